/* OpenBLAS's CBLAS interface (Debian: libopenblas-dev), plus mallopt() which Swift's Glibc module lacks. */
#include <cblas.h>
#include <malloc.h>
/* LAPACK's Cholesky factorisation (OpenBLAS ships LAPACK; Fortran calling convention, column-major). */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
