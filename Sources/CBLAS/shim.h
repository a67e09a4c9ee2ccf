/* OpenBLAS's CBLAS interface (Debian: libopenblas-dev), plus mallopt() which Swift's Glibc module lacks. */
#include <cblas.h>
#include <malloc.h>
