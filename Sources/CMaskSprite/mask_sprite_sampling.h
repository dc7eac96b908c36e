// Bilinear sampling of a sprite's bordered alpha plane and the texel coordinates' chains, shared
// by the draw, reverse and count kernels (mask_sprite_row.c, mask_sprite_reverse_row.c,
// mask_sprite_count.c): the operations of the Swift sampler
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

/// Eight samples' cells, lane k for the k-th sample (a row's k-th pixel, or, counting, the k-th
/// row's pixel): texel coordinates `u`, `v` (0 in lanes
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

// The eight rows' columns `0 ..< 8` of `columns` (per column the eight rows' values, lane k
// for row k) written row-major: `rows[k * stride + i]` for column i.
__attribute__((target("avx2")))
static inline void sprite_transpose8(const __m256 *columns, float *rows, long stride) {
    __m256 t0 = _mm256_unpacklo_ps(columns[0], columns[1]), t1 = _mm256_unpackhi_ps(columns[0], columns[1]);
    __m256 t2 = _mm256_unpacklo_ps(columns[2], columns[3]), t3 = _mm256_unpackhi_ps(columns[2], columns[3]);
    __m256 t4 = _mm256_unpacklo_ps(columns[4], columns[5]), t5 = _mm256_unpackhi_ps(columns[4], columns[5]);
    __m256 t6 = _mm256_unpacklo_ps(columns[6], columns[7]), t7 = _mm256_unpackhi_ps(columns[6], columns[7]);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    _mm256_storeu_ps(rows + 0 * stride, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(rows + 1 * stride, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(rows + 2 * stride, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(rows + 3 * stride, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(rows + 4 * stride, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(rows + 5 * stride, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(rows + 6 * stride, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(rows + 7 * stride, _mm256_permute2f128_ps(u3, u7, 0x31));
}

/// Columns per pass of the kernels that step eight rows' chains (`sprite_chains8`): a multiple of
/// 8, so that every pass but a row's last is whole eight-pixel steps.
#define SPRITE_CHAIN_COLUMNS 64

/// Eight rows' texel coordinates over `count` columns: lane k of `*u`, `*v` is row k's current
/// coordinate, stepped by `(du, dv)` one addition per column (each row's own chain; one vector
/// addition steps all eight) and left at column `count`'s. Row k's values go to `us + k * stride`,
/// `vs + k * stride` (`stride` at least `count` rounded up to a multiple of 8; values past
/// `count` are written too).
__attribute__((target("avx2")))
static inline void sprite_chains8(const metasim_mask_sprite *s, __m256 *u, __m256 *v, long count, float *us, float *vs, long stride) {
    const __m256 du = _mm256_set1_ps(s->du), dv = _mm256_set1_ps(s->dv);
    for (long b = 0; b < count; b += 8) {
        __m256 ucols[8], vcols[8];
        for (int i = 0; i < 8; i++) {
            ucols[i] = *u; vcols[i] = *v;
            *u = _mm256_add_ps(*u, du);
            *v = _mm256_add_ps(*v, dv);
        }
        sprite_transpose8(ucols, us + b, stride);
        sprite_transpose8(vcols, vs + b, stride);
    }
}

#endif
