// A tiny JPEG codec over libjpeg(-turbo) whose errors come back as return codes.
//
// libjpeg's default error handler calls exit(); its documented alternative is to longjmp out of
// the library. Both calls below install their own error manager, setjmp inside this C file and
// never let a longjmp cross a Swift frame. Warnings (for example "premature end of JPEG file",
// after which libjpeg would fill the rest with grey) are treated as errors.
#ifndef METASIM_JPEG_CODEC_H
#define METASIM_JPEG_CODEC_H

#include <stddef.h>

#define MSJ_MESSAGE_SIZE 200

/// A decoded image: `height * width * channels` bytes, rows top to bottom, channels interleaved.
/// `channels` is 1 (grey) or 3 (RGB). `pixels` is malloc'd; release it with msj_free.
typedef struct {
    unsigned char *pixels;
    int width;
    int height;
    int channels;
    char message[MSJ_MESSAGE_SIZE];
} msj_decoded;

/// msj_decode's results.
enum {
    MSJ_OK = 0,
    MSJ_CORRUPT = 1,      ///< corrupt, truncated or unsupported data; `message` says what
    MSJ_CMYK = 2,         ///< a CMYK or YCCK JPEG (valid, but not supported)
    MSJ_TOO_LARGE = 3     ///< more than `max_pixels` pixels; `width` and `height` are set
};

/// Decodes a whole JPEG held in memory. Returns MSJ_OK on success; otherwise another MSJ_*
/// code, `pixels` is NULL and `message` says what went wrong. With `min_width` and
/// `min_height` > 0 the image is decoded at the smallest DCT scale N/8 (N = 1…8, libjpeg's
/// scale_num/scale_denom) whose size still covers them (never above full size), else at full
/// size. Images declaring more than `max_declared_pixels` pixels, or whose decoded size has
/// more than `max_pixels`, are refused after reading the header, before any pixel memory is
/// allocated (`width`/`height` then give the declared size).
int msj_decode(const unsigned char *data, size_t size, size_t max_pixels, size_t max_declared_pixels,
               int min_width, int min_height, msj_decoded *out);

/// Encodes `height * width * channels` bytes (channels 1 or 3) at `quality` (1-100, clamped).
/// Returns 0 on success with `*jpeg` malloc'd (release with msj_free) and `*jpeg_size` set;
/// otherwise non-zero with `message` filled in (at least MSJ_MESSAGE_SIZE bytes).
int msj_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
               unsigned char **jpeg, unsigned long *jpeg_size, char *message);

/// Frees memory returned by msj_decode or msj_encode (NULL is fine).
void msj_free(void *memory);

#endif
