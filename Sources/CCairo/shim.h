/* Cairo (Debian: libcairo2-dev): image, PNG and PDF surfaces. */
#include <cairo.h>
#include <cairo-pdf.h>
