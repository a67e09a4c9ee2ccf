/* zlib (Debian: zlib1g-dev). inflateInit2/deflateInit2 are macros, which Swift cannot call: these wrappers
   open a gzip stream (window bits 15, +16 = gzip header and trailer). */
#include <zlib.h>

static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

static inline int czlib_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
