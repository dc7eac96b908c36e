// See CBackgroundPaint.h. No FMA (the target is "avx2" alone) and no contraction, so every
// product and sum rounds as in the Swift loop: the same bits.
#include "CBackgroundPaint.h"
#include <immintrin.h>

#pragma clang fp contract(off)

int metasim_background_paint_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

__attribute__((target("avx2")))
void metasim_paint_noise_rgb(const float *n, long pixels, float base0, float base1, float base2, float amplitude, float opacity,
                             int black_under, float *out) {
    const float keep = 1 - opacity;
    const float on_black = keep * 0.0f;  // what `keep · under` is on black, as the Swift loop takes it
    // Eight pixels are 24 interleaved values, three vectors: value 8j + l belongs to pixel
    // (8j + l) / 3 and channel (8j + l) % 3.
    const __m256i pixel_of[3] = {_mm256_setr_epi32(0, 0, 0, 1, 1, 1, 2, 2), _mm256_setr_epi32(2, 3, 3, 3, 4, 4, 4, 5),
                                 _mm256_setr_epi32(5, 5, 6, 6, 6, 7, 7, 7)};
    const float b0 = base0, b1 = base1, b2 = base2, base[3] = {base0, base1, base2};
    const __m256 base_of[3] = {_mm256_setr_ps(b0, b1, b2, b0, b1, b2, b0, b1), _mm256_setr_ps(b2, b0, b1, b2, b0, b1, b2, b0),
                               _mm256_setr_ps(b1, b2, b0, b1, b2, b0, b1, b2)};
    const __m256 amplitude8 = _mm256_set1_ps(amplitude), opacity8 = _mm256_set1_ps(opacity), keep8 = _mm256_set1_ps(keep);
    const __m256 on_black8 = _mm256_set1_ps(on_black);
    long p = 0;
    for (; p + 8 <= pixels; p += 8) {
        __m256 scaled = _mm256_mul_ps(amplitude8, _mm256_loadu_ps(n + p));
        for (int j = 0; j < 3; j++) {
            float *o = out + 3 * p + 8 * j;
            __m256 v = _mm256_add_ps(base_of[j], _mm256_permutevar8x32_ps(scaled, pixel_of[j]));
            __m256 under = black_under ? on_black8 : _mm256_mul_ps(keep8, _mm256_loadu_ps(o));
            _mm256_storeu_ps(o, _mm256_add_ps(_mm256_mul_ps(opacity8, v), under));
        }
    }
    for (; p < pixels; p++) {
        for (int c = 0; c < 3; c++) {
            float v = base[c] + amplitude * n[p];
            out[3 * p + c] = opacity * v + (black_under ? on_black : keep * out[3 * p + c]);
        }
    }
}
