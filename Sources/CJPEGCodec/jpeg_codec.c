#include "jpeg_codec.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

/// libjpeg's error manager extended with where to jump back to and room for the message.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf recover;
    char *message;
} msj_error_manager;

static void msj_fail(j_common_ptr cinfo) {
    msj_error_manager *manager = (msj_error_manager *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(manager->message, MSJ_MESSAGE_SIZE, "%s", text);
    longjmp(manager->recover, 1);
}

/// Level -1 is a warning about corrupt data: stop rather than return a partly grey image.
/// Other levels are trace messages: ignore them (never print).
static void msj_emit(j_common_ptr cinfo, int level) {
    if (level < 0) msj_fail(cinfo);
}

static void msj_silent(j_common_ptr cinfo) { (void)cinfo; }

static void msj_install(msj_error_manager *manager, char *message) {
    jpeg_std_error(&manager->base);
    manager->base.error_exit = msj_fail;
    manager->base.emit_message = msj_emit;
    manager->base.output_message = msj_silent;
    manager->message = message;
}

int msj_decode(const unsigned char *data, size_t size, size_t max_pixels, size_t max_declared_pixels,
               int min_width, int min_height, msj_decoded *out) {
    struct jpeg_decompress_struct cinfo;
    msj_error_manager manager;
    /* volatile: modified between setjmp and longjmp. */
    unsigned char *volatile pixels = NULL;

    memset(out, 0, sizeof *out);
    if (data == NULL || size == 0) {
        snprintf(out->message, MSJ_MESSAGE_SIZE, "empty file");
        return 1;
    }
    cinfo.err = NULL;
    msj_install(&manager, out->message);
    cinfo.err = &manager.base;
    if (setjmp(manager.recover)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return MSJ_CORRUPT;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        snprintf(out->message, MSJ_MESSAGE_SIZE, "CMYK JPEG not supported");
        jpeg_destroy_decompress(&cinfo);
        return MSJ_CMYK;
    }
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    /* The smallest DCT scale num/8 whose output still covers min_width × min_height. */
    if (min_width > 0 && min_height > 0) {
        for (unsigned num = 1; num <= 8; num++) {
            cinfo.scale_num = num;
            cinfo.scale_denom = 8;
            jpeg_calc_output_dimensions(&cinfo);
            if (cinfo.output_width >= (JDIMENSION)min_width && cinfo.output_height >= (JDIMENSION)min_height) break;
        }
    } else {
        jpeg_calc_output_dimensions(&cinfo);
    }
    if ((size_t)cinfo.image_width * (size_t)cinfo.image_height > max_declared_pixels
        || (size_t)cinfo.output_width * (size_t)cinfo.output_height > max_pixels) {
        snprintf(out->message, MSJ_MESSAGE_SIZE, "%ux%u pixels is too large", cinfo.image_width, cinfo.image_height);
        out->width = (int)cinfo.image_width;
        out->height = (int)cinfo.image_height;
        jpeg_destroy_decompress(&cinfo);
        return MSJ_TOO_LARGE;
    }
    jpeg_start_decompress(&cinfo);

    int channels = cinfo.output_components;
    size_t stride = (size_t)cinfo.output_width * (size_t)channels;
    if (channels != 1 && channels != 3) {
        snprintf(out->message, MSJ_MESSAGE_SIZE, "unsupported JPEG with %d components", channels);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    pixels = malloc(stride * cinfo.output_height);
    if (pixels == NULL) {
        snprintf(out->message, MSJ_MESSAGE_SIZE, "out of memory for %ux%u image",
                 cinfo.output_width, cinfo.output_height);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    out->pixels = pixels;
    out->width = (int)cinfo.output_width;
    out->height = (int)cinfo.output_height;
    out->channels = channels;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int msj_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
               unsigned char **jpeg, unsigned long *jpeg_size, char *message) {
    struct jpeg_compress_struct cinfo;
    msj_error_manager manager;
    /* jpeg_mem_dest owns the buffer until we take it; volatile across setjmp. */
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;

    *jpeg = NULL;
    *jpeg_size = 0;
    message[0] = 0;
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
        snprintf(message, MSJ_MESSAGE_SIZE, "cannot encode %dx%dx%d as JPEG", height, width, channels);
        return 1;
    }
    msj_install(&manager, message);
    cinfo.err = &manager.base;
    if (setjmp(manager.recover)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *jpeg = buffer;
    *jpeg_size = buffer_size;
    return 0;
}

void msj_free(void *memory) { free(memory); }
