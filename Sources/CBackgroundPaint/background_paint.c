// See CBackgroundPaint.h. No FMA (the target is "avx2" alone) and no contraction, so every
// product and sum rounds as in the Swift loop: the same bits.
#include "CBackgroundPaint.h"
#include <immintrin.h>

#pragma clang fp contract(off)

int metasim_background_paint_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

// The 24 interleaved values of eight pixels: value 8j + l belongs to pixel (8j + l) / 3 and
// channel (8j + l) % 3.
#define PIXEL_OF {_mm256_setr_epi32(0, 0, 0, 1, 1, 1, 2, 2), _mm256_setr_epi32(2, 3, 3, 3, 4, 4, 4, 5), \
                  _mm256_setr_epi32(5, 5, 6, 6, 6, 7, 7, 7)}

/// What every pixel of a paint shares: the base colour interleaved, amplitude, opacity, and what
/// `keep · under` is on black.
typedef struct {
    __m256 base_of[3], amplitude8, opacity8, keep8, on_black8;
    float base[3], amplitude, opacity, keep, on_black;
    int black_under;
} paint_constants;

__attribute__((target("avx2"), always_inline)) static inline paint_constants
constants(float base0, float base1, float base2, float amplitude, float opacity, int black_under) {
    paint_constants k;
    k.keep = 1 - opacity;
    k.on_black = k.keep * 0.0f;  // what `keep · under` is on black, as the Swift loop takes it
    k.base[0] = base0; k.base[1] = base1; k.base[2] = base2;
    k.base_of[0] = _mm256_setr_ps(base0, base1, base2, base0, base1, base2, base0, base1);
    k.base_of[1] = _mm256_setr_ps(base2, base0, base1, base2, base0, base1, base2, base0);
    k.base_of[2] = _mm256_setr_ps(base1, base2, base0, base1, base2, base0, base1, base2);
    k.amplitude = amplitude; k.opacity = opacity; k.black_under = black_under;
    k.amplitude8 = _mm256_set1_ps(amplitude); k.opacity8 = _mm256_set1_ps(opacity); k.keep8 = _mm256_set1_ps(k.keep);
    k.on_black8 = _mm256_set1_ps(k.on_black);
    return k;
}

/// Eight pixels from their noise values `n8` into `o` (24 values).
__attribute__((target("avx2"), always_inline)) static inline void paint8(const paint_constants *k, __m256 n8, float *o) {
    const __m256i pixel_of[3] = PIXEL_OF;
    __m256 scaled = _mm256_mul_ps(k->amplitude8, n8);
    for (int j = 0; j < 3; j++) {
        __m256 v = _mm256_add_ps(k->base_of[j], _mm256_permutevar8x32_ps(scaled, pixel_of[j]));
        __m256 under = k->black_under ? k->on_black8 : _mm256_mul_ps(k->keep8, _mm256_loadu_ps(o + 8 * j));
        _mm256_storeu_ps(o + 8 * j, _mm256_add_ps(_mm256_mul_ps(k->opacity8, v), under));
    }
}

/// One pixel from its noise value `n` into `o` (3 values).
__attribute__((target("avx2"), always_inline)) static inline void paint1(const paint_constants *k, float n, float *o) {
    for (int c = 0; c < 3; c++) {
        float v = k->base[c] + k->amplitude * n;
        o[c] = k->opacity * v + (k->black_under ? k->on_black : k->keep * o[c]);
    }
}

__attribute__((target("avx2")))
void metasim_paint_noise_rgb(const float *n, long pixels, float base0, float base1, float base2, float amplitude, float opacity,
                             int black_under, float *out) {
    const paint_constants k = constants(base0, base1, base2, amplitude, opacity, black_under);
    long p = 0;
    for (; p + 8 <= pixels; p += 8) paint8(&k, _mm256_loadu_ps(n + p), out + 3 * p);
    for (; p < pixels; p++) paint1(&k, n[p], out + 3 * p);
}

/// A lattice row blended along x at every column: `row[k] + (row[k + 1] − row[k]) · w`, eight
/// columns a step (their lattice values gathered).
__attribute__((target("avx2"))) static void blend_lattice_row(const float *row, const int *cells, const float *weights, long width,
                                                               float *line) {
    long x = 0;
    for (; x + 8 <= width; x += 8) {
        const __m256i k = _mm256_loadu_si256((const __m256i *)(cells + x));
        const __m256 left = _mm256_i32gather_ps(row, k, 4), right = _mm256_i32gather_ps(row + 1, k, 4);
        _mm256_storeu_ps(line + x, _mm256_add_ps(left, _mm256_mul_ps(_mm256_sub_ps(right, left), _mm256_loadu_ps(weights + x))));
    }
    for (; x < width; x++) {
        const int k = cells[x];
        line[x] = row[k] + (row[k + 1] - row[k]) * weights[x];
    }
}

__attribute__((target("avx2")))
void metasim_paint_noise_lattice_rgb(const float *lattice, long columns, const int *column_cells, const float *column_weights,
                                     const int *row_cells, const float *row_weights, long width, long height, float offset,
                                     float base0, float base1, float base2, float amplitude, float opacity, int black_under,
                                     float *lines, float *out) {
    const paint_constants k = constants(base0, base1, base2, amplitude, opacity, black_under);
    float *top = lines, *bottom = lines + width;
    long line_row = -2;
    const __m256 offset8 = _mm256_set1_ps(offset);
    for (long y = 0; y < height; y++) {
        const long j = row_cells[y];
        if (j != line_row) {
            if (j == line_row + 1) {
                float *t = top; top = bottom; bottom = t;
            } else {
                blend_lattice_row(lattice + j * columns, column_cells, column_weights, width, top);
            }
            blend_lattice_row(lattice + (j + 1) * columns, column_cells, column_weights, width, bottom);
            line_row = j;
        }
        const float sy = row_weights[y];
        const __m256 sy8 = _mm256_set1_ps(sy);
        float *o = out + 3 * y * width;
        long x = 0;
        for (; x + 8 <= width; x += 8) {
            const __m256 t8 = _mm256_loadu_ps(top + x);
            const __m256 n8 = _mm256_sub_ps(_mm256_add_ps(t8, _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(bottom + x), t8), sy8)), offset8);
            paint8(&k, n8, o + 3 * x);
        }
        for (; x < width; x++) paint1(&k, top[x] + (bottom[x] - top[x]) * sy - offset, o + 3 * x);
    }
}
