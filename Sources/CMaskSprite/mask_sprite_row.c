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

// The Swift loop's one-pixel step (`MaskSpriteSampler.alpha`, `blend`, `note`).
static inline void one_pixel(const metasim_mask_sprite *s, float u, float v, float *out, uint16_t *instance,
                             uint16_t *semantic, long *touched, long *covered) {
    sprite_cell cell;
    float A = sprite_cell_at(s, u, v, &cell);
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

__attribute__((target("avx2")))
void metasim_mask_sprite_row(const metasim_mask_sprite *s, float tu, float tv, long count, float *out,
                             uint16_t *instance, uint16_t *semantic, long *touched, long *covered) {
    const __m256 one = _mm256_set1_ps(1);
    const __m256 opacity = _mm256_set1_ps(s->opacity), opacity_tint = _mm256_set1_ps(s->opacity_tint);
    const __m256 threshold = _mm256_set1_ps(s->threshold);
    const __m128i id = _mm_set1_epi16((short)s->id), cls = _mm_set1_epi16((short)s->cls);
    long x = 0, t = 0, c = 0;
    for (; x + 8 <= count; x += 8) {
        sprite_cells8 cells;
        if (!sprite_cells8_next(s, &tu, &tv, &cells)) continue;
        __m256 A = cells.A;
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
