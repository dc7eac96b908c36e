// AVX2 kernel of CMaskSprite.h. No FMA (the target is "avx2" alone) and no contraction, so every
// product and sum rounds as in the Swift loop: the same bits.
#include "CMaskSprite.h"
#include <immintrin.h>

#pragma clang fp contract(off)

int metasim_mask_sprite_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

// The Swift loop's one-pixel step (`MaskSpriteSampler.alpha`, `blend`, `note`).
static inline void one_pixel(const metasim_mask_sprite *s, float u, float v, float *out, uint16_t *instance,
                             uint16_t *semantic, long *touched, long *covered) {
    if (!(u >= -1 && v >= -1 && u < s->width && v < s->height)) return;
    int ix = (int)(u + 1) - 1, iy = (int)(v + 1) - 1;
    float fx = u - (float)ix, fy = v - (float)iy;
    const float *p = s->plane + (long)(iy + 1) * s->padded_width + (ix + 1);
    float top = p[0] + (p[1] - p[0]) * fx;
    float bottom = p[s->padded_width] + (p[s->padded_width + 1] - p[s->padded_width]) * fx;
    float A = top + (bottom - top) * fy;
    if (A == 0) return;
    float a = s->opacity * A;
    *out = s->opacity_tint * A + (1 - a) * *out;
    *touched += 1;
    if (instance && a >= s->threshold) {
        *covered += 1;
        *instance = s->id;
        *semantic = s->cls;
    }
}

// The values at `plane + at[k]` and `plane + at[k] + 1`, k = 0…7, as lane k of `left` and `right`.
__attribute__((target("avx2")))
static inline void pairs(const float *plane, const int *at, __m256 *left, __m256 *right) {
    __m128 q[4];
    for (int h = 0; h < 4; h++) {
        __m128 a = _mm_castpd_ps(_mm_load_sd((const double *)(plane + at[2 * h])));
        __m128 b = _mm_castpd_ps(_mm_load_sd((const double *)(plane + at[2 * h + 1])));
        q[h] = _mm_movelh_ps(a, b);  // [l(2h), r(2h), l(2h+1), r(2h+1)]
    }
    __m128 l0 = _mm_shuffle_ps(q[0], q[1], _MM_SHUFFLE(2, 0, 2, 0)), r0 = _mm_shuffle_ps(q[0], q[1], _MM_SHUFFLE(3, 1, 3, 1));
    __m128 l1 = _mm_shuffle_ps(q[2], q[3], _MM_SHUFFLE(2, 0, 2, 0)), r1 = _mm_shuffle_ps(q[2], q[3], _MM_SHUFFLE(3, 1, 3, 1));
    *left = _mm256_set_m128(l1, l0);
    *right = _mm256_set_m128(r1, r0);
}

__attribute__((target("avx2")))
void metasim_mask_sprite_row(const metasim_mask_sprite *s, float tu, float tv, long count, float *out,
                             uint16_t *instance, uint16_t *semantic, long *touched, long *covered) {
    const __m256 minus_one = _mm256_set1_ps(-1), one = _mm256_set1_ps(1);
    const __m256 width = _mm256_set1_ps(s->width), height = _mm256_set1_ps(s->height);
    const __m256 opacity = _mm256_set1_ps(s->opacity), opacity_tint = _mm256_set1_ps(s->opacity_tint);
    const __m256 threshold = _mm256_set1_ps(s->threshold);
    const __m256i one_i = _mm256_set1_epi32(1), padded = _mm256_set1_epi32((int)s->padded_width);
    const float *plane = s->plane;
    const long pw = s->padded_width;
    const __m128i id = _mm_set1_epi16((short)s->id), cls = _mm_set1_epi16((short)s->cls);
    long x = 0, t = 0, c = 0;
    float us[8], vs[8];
    for (; x + 8 <= count; x += 8) {
        // The coordinates one addition at a time (the chain of the one-pixel loop).
        for (int k = 0; k < 8; k++) { us[k] = tu; vs[k] = tv; tu += s->du; tv += s->dv; }
        __m256 u = _mm256_loadu_ps(us), v = _mm256_loadu_ps(vs);
        __m256 inside = _mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(u, minus_one, _CMP_GE_OQ), _mm256_cmp_ps(v, minus_one, _CMP_GE_OQ)),
                                      _mm256_and_ps(_mm256_cmp_ps(u, width, _CMP_LT_OQ), _mm256_cmp_ps(v, height, _CMP_LT_OQ)));
        if (_mm256_movemask_ps(inside) == 0) continue;
        // Lanes outside sample at (0, 0) and are zeroed below.
        u = _mm256_and_ps(u, inside);
        v = _mm256_and_ps(v, inside);
        __m256i ix = _mm256_sub_epi32(_mm256_cvttps_epi32(_mm256_add_ps(u, one)), one_i);
        __m256i iy = _mm256_sub_epi32(_mm256_cvttps_epi32(_mm256_add_ps(v, one)), one_i);
        __m256 fx = _mm256_sub_ps(u, _mm256_cvtepi32_ps(ix)), fy = _mm256_sub_ps(v, _mm256_cvtepi32_ps(iy));
        __m256i index = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_add_epi32(iy, one_i), padded), _mm256_add_epi32(ix, one_i));
        // Each lane's two corner pairs (left, right texel) as one 64-bit load per row of the cell,
        // then sorted into the four corner vectors (faster than gathers on the processors here).
        int at[8];
        _mm256_storeu_si256((__m256i *)at, index);
        __m256 p00, p10, p01, p11;
        pairs(plane, at, &p00, &p10);
        pairs(plane + pw, at, &p01, &p11);
        __m256 top = _mm256_add_ps(p00, _mm256_mul_ps(_mm256_sub_ps(p10, p00), fx));
        __m256 bottom = _mm256_add_ps(p01, _mm256_mul_ps(_mm256_sub_ps(p11, p01), fx));
        __m256 A = _mm256_and_ps(_mm256_add_ps(top, _mm256_mul_ps(_mm256_sub_ps(bottom, top), fy)), inside);
        __m256 drawn = _mm256_cmp_ps(A, _mm256_setzero_ps(), _CMP_NEQ_UQ);
        int drawn_bits = _mm256_movemask_ps(drawn);
        if (drawn_bits == 0) continue;
        __m256 a = _mm256_mul_ps(opacity, A);
        __m256 under = _mm256_loadu_ps(out + x);
        __m256 blended = _mm256_add_ps(_mm256_mul_ps(opacity_tint, A), _mm256_mul_ps(_mm256_sub_ps(one, a), under));
        _mm256_storeu_ps(out + x, _mm256_blendv_ps(under, blended, drawn));
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
        one_pixel(s, tu, tv, out + x, instance ? instance + x : 0, semantic ? semantic + x : 0, touched, covered);
        tu += s->du;
        tv += s->dv;
    }
}
