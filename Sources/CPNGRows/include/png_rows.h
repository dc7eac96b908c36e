// Row-by-row PNG decoding over libpng's classic API, whose errors come back as return codes.
//
// libpng's classic API reports errors by longjmp; this file installs its own handlers, setjmps
// inside C, and calls back into the caller only between rows (never from inside libpng), so no
// longjmp crosses a Swift frame. Used to downsample large images while decoding, in memory
// bounded by one row plus what the callbacks keep.
#ifndef METASIM_PNG_ROWS_H
#define METASIM_PNG_ROWS_H

#include <stddef.h>

#define MSP_MESSAGE_SIZE 200

/// msp_decode_rows' results.
enum {
    MSP_OK = 0,
    MSP_CORRUPT = 1,      ///< corrupt or truncated data; `message` says what
    MSP_TOO_LARGE = 2,    ///< wider than `max_width` or more than `max_pixels` pixels
    MSP_INTERLACED = 3,   ///< an interlaced (Adam7) PNG: rows do not come in order
    MSP_STOPPED = 4       ///< the header callback returned non-zero
};

/// Called once after the header: size and channels (1 grey, 3 RGB, 4 RGBA) of the rows to come.
/// Return 0 to go on, anything else to stop (msp_decode_rows then returns MSP_STOPPED).
typedef int (*msp_header_fn)(void *context, unsigned width, unsigned height, int channels);
/// Called for each row `y` (top to bottom): `width * channels` 8-bit samples, valid during the call.
typedef void (*msp_row_fn)(void *context, const unsigned char *row, unsigned y);

/// Decodes the PNG held in `data` row by row as 8-bit samples: palettes expanded, transparency
/// to alpha, grey+alpha to RGBA, 16-bit samples scaled to 8 bits (no gamma change). Refuses,
/// from the header alone, images wider than `max_width` or of more than `max_pixels` pixels
/// (`width`/`height` are then set) and interlaced ones. `message` (MSP_MESSAGE_SIZE bytes)
/// says what went wrong on failure.
int msp_decode_rows(const unsigned char *data, size_t size, unsigned max_width, unsigned long long max_pixels,
                    msp_header_fn header, msp_row_fn row, void *context,
                    unsigned *width, unsigned *height, char *message);

#endif
