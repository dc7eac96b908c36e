// AVX2 reverse kernel of CMaskSprite.h (`metasim_mask_sprite_reverse_row`). No FMA and no
// contraction, so every product and sum rounds as in the Swift loop it replaces
// (`CompositorRenderer.backwardMaskSprite`, one pixel at a time with eight lane sums).
#include "CMaskSprite.h"
#include <immintrin.h>

#pragma clang fp contract(off)

// The Swift loop's one-pixel step: adds pixel `x`'s terms to lane `lane` of `sums`.
static inline void reverse_one_pixel(const metasim_mask_sprite *s, float u, float v, long x, float cx, float ou, float ov,
                                     float under, float *grad, metasim_mask_sprite_sums *sums, int lane) {
    if (!(u >= -1 && v >= -1 && u < s->width && v < s->height)) return;
    int ix = (int)(u + 1) - 1, iy = (int)(v + 1) - 1;
    float fx = u - (float)ix, fy = v - (float)iy;
    const float *p = s->plane + (long)(iy + 1) * s->padded_width + (ix + 1);
    float p00 = p[0], p10 = p[1], p01 = p[s->padded_width], p11 = p[s->padded_width + 1];
    float top = p00 + (p10 - p00) * fx;
    float bottom = p01 + (p11 - p01) * fx;
    float A = top + (bottom - top) * fy;
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
    float gu = dA * ((1 - fy) * (p10 - p00) + fy * (p11 - p01));
    float gv = dA * ((p01 + (p11 - p01) * fx) - (p00 + (p10 - p00) * fx));
    float dx = (float)x + 0.5f - cx;
    sums->su[lane] += gu;
    sums->sv[lane] += gv;
    sums->su_dx[lane] += gu * dx;
    sums->sv_dx[lane] += gv * dx;
    sums->su_u[lane] += gu * (u - ou);
    sums->sv_v[lane] += gv * (v - ov);
}

// The values at `plane + at[k]` and `plane + at[k] + 1`, k = 0…7, as lane k of `left` and `right`.
__attribute__((target("avx2")))
static inline void reverse_pairs(const float *plane, const int *at, __m256 *left, __m256 *right) {
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
void metasim_mask_sprite_reverse_row(const metasim_mask_sprite *s, float tu, float tv, long x0, long count, float cx, float ou,
                                     float ov, const float *under, float *grad, metasim_mask_sprite_sums *sums) {
    const __m256 minus_one = _mm256_set1_ps(-1), one = _mm256_set1_ps(1), zero = _mm256_setzero_ps();
    const __m256 width = _mm256_set1_ps(s->width), height = _mm256_set1_ps(s->height);
    const __m256 opacity = _mm256_set1_ps(s->opacity), tint = _mm256_set1_ps(s->tint);
    const __m256 half = _mm256_set1_ps(0.5f), centre = _mm256_set1_ps(cx);
    const __m256 ou8 = _mm256_set1_ps(ou), ov8 = _mm256_set1_ps(ov);
    const __m256i one_i = _mm256_set1_epi32(1), padded = _mm256_set1_epi32((int)s->padded_width);
    const __m256i steps = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const float *plane = s->plane;
    const long pw = s->padded_width;
    __m256 su = _mm256_loadu_ps(sums->su), sv = _mm256_loadu_ps(sums->sv);
    __m256 su_dx = _mm256_loadu_ps(sums->su_dx), sv_dx = _mm256_loadu_ps(sums->sv_dx);
    __m256 su_u = _mm256_loadu_ps(sums->su_u), sv_v = _mm256_loadu_ps(sums->sv_v);
    __m256 s_opacity = _mm256_loadu_ps(sums->opacity), s_tint = _mm256_loadu_ps(sums->tint);
    long x = 0;
    float us[8], vs[8];
    for (; x + 8 <= count; x += 8) {
        // The coordinates one addition at a time (the chain of the one-pixel loop).
        for (int k = 0; k < 8; k++) { us[k] = tu; vs[k] = tv; tu += s->du; tv += s->dv; }
        __m256 u = _mm256_loadu_ps(us), v = _mm256_loadu_ps(vs);
        __m256 inside = _mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(u, minus_one, _CMP_GE_OQ), _mm256_cmp_ps(v, minus_one, _CMP_GE_OQ)),
                                      _mm256_and_ps(_mm256_cmp_ps(u, width, _CMP_LT_OQ), _mm256_cmp_ps(v, height, _CMP_LT_OQ)));
        if (_mm256_movemask_ps(inside) == 0) continue;
        // Lanes outside sample at (0, 0) and are zeroed below.
        __m256 su_in = _mm256_and_ps(u, inside), sv_in = _mm256_and_ps(v, inside);
        __m256i ix = _mm256_sub_epi32(_mm256_cvttps_epi32(_mm256_add_ps(su_in, one)), one_i);
        __m256i iy = _mm256_sub_epi32(_mm256_cvttps_epi32(_mm256_add_ps(sv_in, one)), one_i);
        __m256 fx = _mm256_sub_ps(su_in, _mm256_cvtepi32_ps(ix)), fy = _mm256_sub_ps(sv_in, _mm256_cvtepi32_ps(iy));
        __m256i index = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_add_epi32(iy, one_i), padded), _mm256_add_epi32(ix, one_i));
        int at[8];
        _mm256_storeu_si256((__m256i *)at, index);
        __m256 p00, p10, p01, p11;
        reverse_pairs(plane, at, &p00, &p10);
        reverse_pairs(plane + pw, at, &p01, &p11);
        __m256 top = _mm256_add_ps(p00, _mm256_mul_ps(_mm256_sub_ps(p10, p00), fx));
        __m256 bottom = _mm256_add_ps(p01, _mm256_mul_ps(_mm256_sub_ps(p11, p01), fx));
        __m256 A = _mm256_and_ps(_mm256_add_ps(top, _mm256_mul_ps(_mm256_sub_ps(bottom, top), fy)), inside);
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
        __m256 dU = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(one, fy), _mm256_sub_ps(p10, p00)),
                                  _mm256_mul_ps(fy, _mm256_sub_ps(p11, p01)));
        __m256 dV = _mm256_sub_ps(_mm256_add_ps(p01, _mm256_mul_ps(_mm256_sub_ps(p11, p01), fx)),
                                  _mm256_add_ps(p00, _mm256_mul_ps(_mm256_sub_ps(p10, p00), fx)));
        __m256 gu = _mm256_and_ps(_mm256_mul_ps(dA, dU), drawn), gv = _mm256_and_ps(_mm256_mul_ps(dA, dV), drawn);
        __m256 xs = _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_set1_epi32((int)(x0 + x)), steps));
        __m256 dx = _mm256_sub_ps(_mm256_add_ps(xs, half), centre);
        su = _mm256_add_ps(su, gu);
        sv = _mm256_add_ps(sv, gv);
        su_dx = _mm256_add_ps(su_dx, _mm256_mul_ps(gu, dx));
        sv_dx = _mm256_add_ps(sv_dx, _mm256_mul_ps(gv, dx));
        su_u = _mm256_add_ps(su_u, _mm256_mul_ps(gu, _mm256_sub_ps(u, ou8)));
        sv_v = _mm256_add_ps(sv_v, _mm256_mul_ps(gv, _mm256_sub_ps(v, ov8)));
    }
    _mm256_storeu_ps(sums->su, su); _mm256_storeu_ps(sums->sv, sv);
    _mm256_storeu_ps(sums->su_dx, su_dx); _mm256_storeu_ps(sums->sv_dx, sv_dx);
    _mm256_storeu_ps(sums->su_u, su_u); _mm256_storeu_ps(sums->sv_v, sv_v);
    _mm256_storeu_ps(sums->opacity, s_opacity); _mm256_storeu_ps(sums->tint, s_tint);
    for (; x < count; x++) {
        reverse_one_pixel(s, tu, tv, x0 + x, cx, ou, ov, under[x], grad + x, sums, (int)(x & 7));
        tu += s->du;
        tv += s->dv;
    }
}
