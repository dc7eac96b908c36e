// Bilinear sampling of a sprite's bordered alpha plane, shared by the draw and reverse kernels
// (mask_sprite_row.c, mask_sprite_reverse_row.c): the operations of the Swift sampler
// (`BorderedCell`, `bilinear`, `MaskSpriteSampler.corners4`), in the same order, so the same bits.
// Internal to CMaskSprite (not under include/).
#ifndef METASIM_MASK_SPRITE_SAMPLING_H
#define METASIM_MASK_SPRITE_SAMPLING_H

#include "CMaskSprite.h"
#include <immintrin.h>

#pragma clang fp contract(off)

/// One sample's cell: the four corner values and the fractions inside it.
typedef struct {
    float p00, p10, p01, p11, fx, fy;
} sprite_cell;

/// The cell at texel coordinates `(u, v)` and its alpha, into `*c` and the result; 0 (and `*c`
/// left as it is) outside `[-1, width) × [-1, height)`.
static inline float sprite_cell_at(const metasim_mask_sprite *s, float u, float v, sprite_cell *c) {
    if (!(u >= -1 && v >= -1 && u < s->width && v < s->height)) return 0;
    int ix = (int)(u + 1) - 1, iy = (int)(v + 1) - 1;
    c->fx = u - (float)ix;
    c->fy = v - (float)iy;
    const float *p = s->plane + (long)(iy + 1) * s->padded_width + (ix + 1);
    c->p00 = p[0]; c->p10 = p[1]; c->p01 = p[s->padded_width]; c->p11 = p[s->padded_width + 1];
    float top = c->p00 + (c->p10 - c->p00) * c->fx;
    float bottom = c->p01 + (c->p11 - c->p01) * c->fx;
    return top + (bottom - top) * c->fy;
}

/// Eight samples' cells, lane k for the k-th pixel: texel coordinates `u`, `v` (0 in lanes
/// outside the sprite's range, which `inside` marks), fractions, corners and alpha `A` (0 outside).
typedef struct {
    __m256 inside, u, v, fx, fy, p00, p10, p01, p11, A;
} sprite_cells8;

// The values at `plane + at[k]` and `plane + at[k] + 1`, k = 0…7, as lane k of `left` and `right`.
__attribute__((target("avx2")))
static inline void sprite_pairs(const float *plane, const int *at, __m256 *left, __m256 *right) {
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

/// Eight samples' cells at texel coordinates `u`, `v` (lane k: `(u[k], v[k])`). Returns 0,
/// with `*c` not filled, when no lane lies inside the sprite's range.
__attribute__((target("avx2")))
static inline int sprite_cells8_at(const metasim_mask_sprite *s, __m256 u, __m256 v, sprite_cells8 *c) {
    const __m256 minus_one = _mm256_set1_ps(-1), one = _mm256_set1_ps(1);
    const __m256i one_i = _mm256_set1_epi32(1);
    __m256 inside = _mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(u, minus_one, _CMP_GE_OQ), _mm256_cmp_ps(v, minus_one, _CMP_GE_OQ)),
                                  _mm256_and_ps(_mm256_cmp_ps(u, _mm256_set1_ps(s->width), _CMP_LT_OQ),
                                                _mm256_cmp_ps(v, _mm256_set1_ps(s->height), _CMP_LT_OQ)));
    if (_mm256_movemask_ps(inside) == 0) return 0;
    // Lanes outside sample at (0, 0) and are zeroed below.
    u = _mm256_and_ps(u, inside);
    v = _mm256_and_ps(v, inside);
    __m256i ix = _mm256_sub_epi32(_mm256_cvttps_epi32(_mm256_add_ps(u, one)), one_i);
    __m256i iy = _mm256_sub_epi32(_mm256_cvttps_epi32(_mm256_add_ps(v, one)), one_i);
    c->inside = inside;
    c->u = u;
    c->v = v;
    c->fx = _mm256_sub_ps(u, _mm256_cvtepi32_ps(ix));
    c->fy = _mm256_sub_ps(v, _mm256_cvtepi32_ps(iy));
    __m256i index = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_add_epi32(iy, one_i), _mm256_set1_epi32((int)s->padded_width)),
                                     _mm256_add_epi32(ix, one_i));
    // Each lane's two corner pairs (left, right texel) as one 64-bit load per row of the cell,
    // then sorted into the four corner vectors (faster than gathers on the processors here).
    int at[8];
    _mm256_storeu_si256((__m256i *)at, index);
    sprite_pairs(s->plane, at, &c->p00, &c->p10);
    sprite_pairs(s->plane + s->padded_width, at, &c->p01, &c->p11);
    __m256 top = _mm256_add_ps(c->p00, _mm256_mul_ps(_mm256_sub_ps(c->p10, c->p00), c->fx));
    __m256 bottom = _mm256_add_ps(c->p01, _mm256_mul_ps(_mm256_sub_ps(c->p11, c->p01), c->fx));
    c->A = _mm256_and_ps(_mm256_add_ps(top, _mm256_mul_ps(_mm256_sub_ps(bottom, top), c->fy)), inside);
    return 1;
}

/// The next eight pixels' cells from texel coordinates `(*tu, *tv)`, which step by `(du, dv)`
/// one addition at a time (the chain of the one-pixel loop) and are left at the ninth pixel's.
/// Returns 0, with `*c` not filled, when no lane lies inside the sprite's range.
__attribute__((target("avx2")))
static inline int sprite_cells8_next(const metasim_mask_sprite *s, float *tu, float *tv, sprite_cells8 *c) {
    float us[8], vs[8];
    for (int k = 0; k < 8; k++) { us[k] = *tu; vs[k] = *tv; *tu += s->du; *tv += s->dv; }
    return sprite_cells8_at(s, _mm256_loadu_ps(us), _mm256_loadu_ps(vs), c);
}

#endif
