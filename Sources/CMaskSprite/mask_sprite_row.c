// AVX2 kernel of CMaskSprite.h. No FMA (the target is "avx2" alone) and no contraction, so every
// product and sum rounds as in the Swift loop: the same bits.
#include "CMaskSprite.h"
#include "mask_sprite_sampling.h"
#include <immintrin.h>

#pragma clang fp contract(off)

int metasim_mask_sprite_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

// The Swift loop's one-pixel step (`MaskSpriteSampler.alpha`, `blend` per channel, `note`) on a
// canvas of `channels` values per pixel; `opacity_tint[c]` = opacity · tint of channel c.
static inline void one_pixel(const metasim_mask_sprite *s, const float *opacity_tint, int channels, float u, float v, float *out,
                             uint16_t *instance, uint16_t *semantic, long *touched, long *covered) {
    sprite_cell cell;
    float A = sprite_cell_at(s, u, v, &cell);
    if (A == 0) return;
    float a = s->opacity * A;
    for (int c = 0; c < channels; c++) out[c] = opacity_tint[c] * A + (1 - a) * out[c];
    *touched += 1;
    if (instance && a >= s->threshold) {
        *covered += 1;
        *instance = s->id;
        *semantic = s->cls;
    }
}

// One row's pixels `0 ..< count` with texel coordinates `us[x]`, `vs[x]` (the chain already
// stepped), grey (`channels` 1) or RGB (3): the operations of the Swift loop per pixel.
__attribute__((target("avx2")))
static inline void sprite_row(const metasim_mask_sprite *s, const float *opacity_tint, int channels, const float *us,
                              const float *vs, long count, float *out, uint16_t *instance, uint16_t *semantic, long *touched,
                              long *covered) {
    const __m256 one = _mm256_set1_ps(1);
    const __m256 opacity = _mm256_set1_ps(s->opacity), threshold = _mm256_set1_ps(s->threshold);
    const __m128i id = _mm_set1_epi16((short)s->id), cls = _mm_set1_epi16((short)s->cls);
    // RGB: eight pixels are 24 interleaved values, three vectors: value 8j + l belongs to pixel
    // (8j + l) / 3 and channel (8j + l) % 3.
    const __m256i pixel_of[3] = {_mm256_setr_epi32(0, 0, 0, 1, 1, 1, 2, 2), _mm256_setr_epi32(2, 3, 3, 3, 4, 4, 4, 5),
                                 _mm256_setr_epi32(5, 5, 6, 6, 6, 7, 7, 7)};
    const float t0 = opacity_tint[0], t1 = channels == 3 ? opacity_tint[1] : t0, t2 = channels == 3 ? opacity_tint[2] : t0;
    const __m256 tint_of[3] = {_mm256_setr_ps(t0, t1, t2, t0, t1, t2, t0, t1), _mm256_setr_ps(t2, t0, t1, t2, t0, t1, t2, t0),
                               _mm256_setr_ps(t1, t2, t0, t1, t2, t0, t1, t2)};
    long x = 0, t = 0, c = 0;
    for (; x + 8 <= count; x += 8) {
        sprite_cells8 cells;
        if (!sprite_cells8_at(s, _mm256_loadu_ps(us + x), _mm256_loadu_ps(vs + x), &cells)) continue;
        __m256 A = cells.A;
        __m256 drawn = _mm256_cmp_ps(A, _mm256_setzero_ps(), _CMP_NEQ_UQ);
        int drawn_bits = _mm256_movemask_ps(drawn);
        if (drawn_bits == 0) continue;
        __m256 a = _mm256_mul_ps(opacity, A);
        __m256 keep = _mm256_sub_ps(one, a);
        if (channels == 1) {
            __m256 under = _mm256_loadu_ps(out + x);
            __m256 blended = _mm256_add_ps(_mm256_mul_ps(tint_of[0], A), _mm256_mul_ps(keep, under));
            _mm256_storeu_ps(out + x, _mm256_blendv_ps(under, blended, drawn));
        } else {
            for (int j = 0; j < 3; j++) {
                float *o = out + 3 * x + 8 * j;
                __m256 under = _mm256_loadu_ps(o);
                __m256 Aj = _mm256_permutevar8x32_ps(A, pixel_of[j]);
                __m256 blended = _mm256_add_ps(_mm256_mul_ps(tint_of[j], Aj), _mm256_mul_ps(_mm256_permutevar8x32_ps(keep, pixel_of[j]), under));
                _mm256_storeu_ps(o, _mm256_blendv_ps(under, blended, _mm256_permutevar8x32_ps(drawn, pixel_of[j])));
            }
        }
        t += __builtin_popcount(drawn_bits);
        if (!instance) continue;
        __m256 visible = _mm256_and_ps(drawn, _mm256_cmp_ps(a, threshold, _CMP_GE_OQ));
        int visible_bits = _mm256_movemask_ps(visible);
        if (visible_bits == 0) continue;
        c += __builtin_popcount(visible_bits);
        __m256i wide = _mm256_castps_si256(visible);
        __m128i narrow = _mm_packs_epi32(_mm256_castsi256_si128(wide), _mm256_extracti128_si256(wide, 1));
        __m128i ins = _mm_loadu_si128((const __m128i *)(instance + x)), sem = _mm_loadu_si128((const __m128i *)(semantic + x));
        _mm_storeu_si128((__m128i *)(instance + x), _mm_blendv_epi8(ins, id, narrow));
        _mm_storeu_si128((__m128i *)(semantic + x), _mm_blendv_epi8(sem, cls, narrow));
    }
    *touched += t;
    *covered += c;
    for (; x < count; x++) {
        one_pixel(s, opacity_tint, channels, us[x], vs[x], out + channels * x, instance ? instance + x : 0,
                  semantic ? semantic + x : 0, touched, covered);
    }
}

__attribute__((target("avx2")))
void metasim_mask_sprite_rows(const metasim_mask_sprite *s, const float *opacity_tint, int channels, const float *tu,
                              const float *tv, long rows, long count, float *out, long out_stride, uint16_t *instance,
                              uint16_t *semantic, long mask_stride, long *touched, long *covered) {
    // The rows' chains side by side, lane k for row k: one vector addition steps all eight.
    __m256 u = _mm256_loadu_ps(tu), v = _mm256_loadu_ps(tv);
    float us[8 * SPRITE_CHAIN_COLUMNS], vs[8 * SPRITE_CHAIN_COLUMNS];
    for (long x0 = 0; x0 < count; x0 += SPRITE_CHAIN_COLUMNS) {
        long n = count - x0 < SPRITE_CHAIN_COLUMNS ? count - x0 : SPRITE_CHAIN_COLUMNS;
        sprite_chains8(s, &u, &v, n, us, vs, SPRITE_CHAIN_COLUMNS);
        for (long k = 0; k < rows; k++) {
            sprite_row(s, opacity_tint, channels, us + k * SPRITE_CHAIN_COLUMNS, vs + k * SPRITE_CHAIN_COLUMNS, n, out + k * out_stride + x0 * channels,
                       instance ? instance + k * mask_stride + x0 : 0, semantic ? semantic + k * mask_stride + x0 : 0, touched,
                       covered);
        }
    }
}
