/* corr2d_fwd_blocked.cl: a deliberately broken kernel for the build-failure
 * test. */
__kernel void corr2d_fwd_blocked(__global float *y) {
  y[0] = this_identifier_does_not_exist;
}
