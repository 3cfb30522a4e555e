/* corr2d_fwd_vec.cl: a deliberately broken kernel for the build-failure test. */
__kernel void corr2d_fwd_vec(__global float *y) {
  y[0] = this_identifier_does_not_exist;
}
