// AVX2 reverse kernel of CMaskSprite.h (`metasim_mask_sprite_reverse_rows`). No FMA and no
// contraction, so every product and sum rounds as in the Swift loop it replaces
// (`CompositorRenderer.backwardMaskSprite`, one pixel at a time with eight lane sums, a row's
// lanes then added in order and the rows' sums in `double`).
#include "CMaskSprite.h"
#include "mask_sprite_sampling.h"
#include <immintrin.h>

#pragma clang fp contract(off)

// A reverse row's sums (CMaskSprite.h, `metasim_mask_sprite_reverse_rows`), eight lanes each:
// pixel `x0 + i` of a row adds to lane `i mod 8`. `su` Σgu, `sv` Σgv, `su_dx` Σgu·dx, `sv_dx`
// Σgv·dx, `su_u` Σgu·(tu − ou), `sv_v` Σgv·(tv − ov), `opacity` Σ(g·tint − g·under)·A, `tint`
// Σg·opacity·A, over the pixels with `A ≠ 0`.
typedef struct {
    float su[8], sv[8], su_dx[8], sv_dx[8], su_u[8], sv_v[8], opacity[8], tint[8];
} metasim_mask_sprite_sums;

// The Swift loop's one-pixel step: adds pixel `x`'s terms to lane `lane` of `sums`.
static inline void reverse_one_pixel(const metasim_mask_sprite *s, float u, float v, long x, float cx, float ou, float ov,
                                     float under, float *grad, metasim_mask_sprite_sums *sums, int lane) {
    sprite_cell c;
    float A = sprite_cell_at(s, u, v, &c);
    if (A == 0) return;
    float a = s->opacity * A;
    float g = *grad;
    float d_alpha = -(g * under);
    *grad = g * (1 - a);
    float paint = g * s->tint + d_alpha;
    sums->opacity[lane] += paint * A;
    sums->tint[lane] += g * s->opacity * A;
    float dA = paint * s->opacity;
    if (dA == 0) return;
    float gu = dA * ((1 - c.fy) * (c.p10 - c.p00) + c.fy * (c.p11 - c.p01));
    float gv = dA * ((c.p01 + (c.p11 - c.p01) * c.fx) - (c.p00 + (c.p10 - c.p00) * c.fx));
    float dx = (float)x + 0.5f - cx;
    sums->su[lane] += gu;
    sums->sv[lane] += gv;
    sums->su_dx[lane] += gu * dx;
    sums->sv_dx[lane] += gv * dx;
    sums->su_u[lane] += gu * (u - ou);
    sums->sv_v[lane] += gv * (v - ov);
}

// One row's pixels `x0 … x0 + count − 1`, pixel i at texel coordinates `(us[i], vs[i])`: per
// pixel with `A ≠ 0` and upstream gradient `g = grad[i]`, adds its terms to `sums` (lane
// `i mod 8`, `x0` a multiple of 8 from the row's first pixel) and sets
// `grad[i] = g · (1 − opacity·A)`.
__attribute__((target("avx2")))
static void reverse_row(const metasim_mask_sprite *s, const float *us, const float *vs, long x0, long count, float cx, float ou,
                        float ov, const float *under, float *grad, metasim_mask_sprite_sums *sums) {
    const __m256 one = _mm256_set1_ps(1), zero = _mm256_setzero_ps();
    const __m256 opacity = _mm256_set1_ps(s->opacity), tint = _mm256_set1_ps(s->tint);
    const __m256 half = _mm256_set1_ps(0.5f), centre = _mm256_set1_ps(cx);
    const __m256 ou8 = _mm256_set1_ps(ou), ov8 = _mm256_set1_ps(ov);
    const __m256i steps = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256 su = _mm256_loadu_ps(sums->su), sv = _mm256_loadu_ps(sums->sv);
    __m256 su_dx = _mm256_loadu_ps(sums->su_dx), sv_dx = _mm256_loadu_ps(sums->sv_dx);
    __m256 su_u = _mm256_loadu_ps(sums->su_u), sv_v = _mm256_loadu_ps(sums->sv_v);
    __m256 s_opacity = _mm256_loadu_ps(sums->opacity), s_tint = _mm256_loadu_ps(sums->tint);
    long x = 0;
    for (; x + 8 <= count; x += 8) {
        sprite_cells8 c;
        if (!sprite_cells8_at(s, _mm256_loadu_ps(us + x), _mm256_loadu_ps(vs + x), &c)) continue;
        __m256 A = c.A;
        __m256 drawn = _mm256_cmp_ps(A, zero, _CMP_NEQ_UQ);
        if (_mm256_movemask_ps(drawn) == 0) continue;
        __m256 a = _mm256_mul_ps(opacity, A);
        __m256 g = _mm256_loadu_ps(grad + x);
        __m256 d_alpha = _mm256_sub_ps(zero, _mm256_mul_ps(g, _mm256_loadu_ps(under + x)));
        _mm256_storeu_ps(grad + x, _mm256_blendv_ps(g, _mm256_mul_ps(g, _mm256_sub_ps(one, a)), drawn));
        __m256 paint = _mm256_add_ps(_mm256_mul_ps(g, tint), d_alpha);
        s_opacity = _mm256_add_ps(s_opacity, _mm256_and_ps(_mm256_mul_ps(paint, A), drawn));
        s_tint = _mm256_add_ps(s_tint, _mm256_and_ps(_mm256_mul_ps(_mm256_mul_ps(g, opacity), A), drawn));
        __m256 dA = _mm256_mul_ps(paint, opacity);
        __m256 dU = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(one, c.fy), _mm256_sub_ps(c.p10, c.p00)),
                                  _mm256_mul_ps(c.fy, _mm256_sub_ps(c.p11, c.p01)));
        __m256 dV = _mm256_sub_ps(_mm256_add_ps(c.p01, _mm256_mul_ps(_mm256_sub_ps(c.p11, c.p01), c.fx)),
                                  _mm256_add_ps(c.p00, _mm256_mul_ps(_mm256_sub_ps(c.p10, c.p00), c.fx)));
        __m256 gu = _mm256_and_ps(_mm256_mul_ps(dA, dU), drawn), gv = _mm256_and_ps(_mm256_mul_ps(dA, dV), drawn);
        __m256 xs = _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_set1_epi32((int)(x0 + x)), steps));
        __m256 dx = _mm256_sub_ps(_mm256_add_ps(xs, half), centre);
        su = _mm256_add_ps(su, gu);
        sv = _mm256_add_ps(sv, gv);
        su_dx = _mm256_add_ps(su_dx, _mm256_mul_ps(gu, dx));
        sv_dx = _mm256_add_ps(sv_dx, _mm256_mul_ps(gv, dx));
        // `c.u`, `c.v`: the coordinates, 0 in lanes outside the sprite (whose `gu`, `gv` are 0).
        su_u = _mm256_add_ps(su_u, _mm256_mul_ps(gu, _mm256_sub_ps(c.u, ou8)));
        sv_v = _mm256_add_ps(sv_v, _mm256_mul_ps(gv, _mm256_sub_ps(c.v, ov8)));
    }
    _mm256_storeu_ps(sums->su, su); _mm256_storeu_ps(sums->sv, sv);
    _mm256_storeu_ps(sums->su_dx, su_dx); _mm256_storeu_ps(sums->sv_dx, sv_dx);
    _mm256_storeu_ps(sums->su_u, su_u); _mm256_storeu_ps(sums->sv_v, sv_v);
    _mm256_storeu_ps(sums->opacity, s_opacity); _mm256_storeu_ps(sums->tint, s_tint);
    for (; x < count; x++) reverse_one_pixel(s, us[x], vs[x], x0 + x, cx, ou, ov, under[x], grad + x, sums, (int)(x & 7));
}

// Lane 0 + lane 1 + … + lane 7, in that order (the Swift loop's `laneSum`).
static inline float lane_sum(const float lanes[8]) {
    float sum = lanes[0];
    for (int k = 1; k < 8; k++) sum += lanes[k];
    return sum;
}

__attribute__((target("avx2")))
void metasim_mask_sprite_reverse_rows(const metasim_mask_sprite *s, const float *tu, const float *tv, long rows, long x0, long count,
                                      float cx, float ou, float ov, long y0, float cy, const float *under, long under_stride,
                                      float *grad, long grad_stride, double *totals) {
    __m256 u = _mm256_loadu_ps(tu), v = _mm256_loadu_ps(tv);
    float us[8 * SPRITE_CHAIN_COLUMNS], vs[8 * SPRITE_CHAIN_COLUMNS];
    metasim_mask_sprite_sums sums[8] = {0};
    for (long c0 = 0; c0 < count; c0 += SPRITE_CHAIN_COLUMNS) {
        long n = count - c0 < SPRITE_CHAIN_COLUMNS ? count - c0 : SPRITE_CHAIN_COLUMNS;
        sprite_chains8(s, &u, &v, n, us, vs, SPRITE_CHAIN_COLUMNS);
        for (long k = 0; k < rows; k++) {
            reverse_row(s, us + k * SPRITE_CHAIN_COLUMNS, vs + k * SPRITE_CHAIN_COLUMNS, x0 + c0, n, cx, ou, ov, under + k * under_stride + c0,
                        grad + k * grad_stride + c0, &sums[k]);
        }
    }
    // The rows in order, as the Swift loop adds them.
    for (long k = 0; k < rows; k++) {
        const metasim_mask_sprite_sums *r = &sums[k];
        float dy = (float)(y0 + k) + 0.5f - cy;
        double row_su = (double)lane_sum(r->su), row_sv = (double)lane_sum(r->sv);
        totals[0] += row_su;
        totals[1] += row_sv;
        totals[2] += (double)lane_sum(r->su_dx);
        totals[3] += (double)lane_sum(r->sv_dx);
        totals[4] += row_su * (double)dy;
        totals[5] += row_sv * (double)dy;
        totals[6] += (double)lane_sum(r->su_u);
        totals[7] += (double)lane_sum(r->sv_v);
        totals[8] += (double)lane_sum(r->opacity);
        totals[9] += (double)lane_sum(r->tint);
    }
}
