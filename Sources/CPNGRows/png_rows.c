#include "png_rows.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char *message;
} msp_source;

static void msp_read(png_structp png, png_bytep out, size_t length) {
    msp_source *source = (msp_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) png_error(png, "file is truncated");
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

static void msp_error(png_structp png, png_const_charp text) {
    char *message = (char *)png_get_error_ptr(png);
    snprintf(message, MSP_MESSAGE_SIZE, "%s", text);
    png_longjmp(png, 1);
}

static void msp_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

int msp_decode_rows(const unsigned char *data, size_t size, unsigned max_width, unsigned long long max_pixels,
                    msp_header_fn header, msp_row_fn row, void *context,
                    unsigned *width_out, unsigned *height_out, char *message) {
    message[0] = 0;
    *width_out = 0;
    *height_out = 0;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, message, msp_error, msp_warning);
    if (png == NULL) {
        snprintf(message, MSP_MESSAGE_SIZE, "cannot start libpng");
        return MSP_CORRUPT;
    }
    png_infop info = png_create_info_struct(png);
    /* volatile: modified between setjmp and longjmp. */
    unsigned char *volatile buffer = NULL;
    volatile int status = MSP_CORRUPT;
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(buffer);
        return status;
    }
    msp_source source = {data, size, 0, message};
    png_set_read_fn(png, &source, msp_read);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);   /* our limits below decide, with our message */
    png_read_info(png, info);
    png_uint_32 width = 0, height = 0;
    int depth = 0, colour = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &depth, &colour, &interlace, NULL, NULL);
    *width_out = width;
    *height_out = height;
    if (width > max_width || (unsigned long long)width * height > max_pixels) {
        status = MSP_TOO_LARGE;
        png_error(png, "too large");
    }
    if (interlace != PNG_INTERLACE_NONE) {
        status = MSP_INTERLACED;
        png_error(png, "interlaced");
    }
    int alpha = (colour & PNG_COLOR_MASK_ALPHA) != 0 || png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    int colourful = (colour & PNG_COLOR_MASK_COLOR) != 0;
    png_set_expand(png);
    png_set_scale_16(png);
    if (alpha && !colourful) png_set_gray_to_rgb(png);
    int channels = alpha ? 4 : (colourful ? 3 : 1);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * (size_t)channels) png_error(png, "unexpected row layout");
    if (header(context, width, height, channels) != 0) {
        status = MSP_STOPPED;
        png_error(png, "stopped");
    }
    buffer = malloc((size_t)width * (size_t)channels);
    if (buffer == NULL) png_error(png, "out of memory for one row");
    for (png_uint_32 y = 0; y < height; y++) {
        png_read_row(png, buffer, NULL);
        row(context, buffer, y);
    }
    png_read_end(png, NULL);
    free(buffer);
    buffer = NULL;
    png_destroy_read_struct(&png, &info, NULL);
    return MSP_OK;
}
