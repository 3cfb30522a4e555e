/* common.cl: definitions shared by every clconv kernel; the library prepends
 * it to each kernel file when it builds a program. */

/* Index type of the kernels that take -DIDX_T. */
#ifdef IDX_T
typedef IDX_T idx_t;
#endif
