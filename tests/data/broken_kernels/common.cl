/* common.cl: definitions shared by every clconv kernel; the library prepends
 * it to each kernel file when it builds a program. */

/* Index type: int unless the host asks for long (-DIDX_T=long) because some
 * index of the problem reaches 2^31. */
#ifndef IDX_T
#define IDX_T int
#endif
typedef IDX_T idx_t;
