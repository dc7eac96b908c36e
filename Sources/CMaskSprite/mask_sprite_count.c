// Visible samples of a grey alpha-mask sprite beyond the canvas, eight support rows at a time
// (CMaskSprite.h, `metasim_mask_sprite_count_rows`). No FMA and no contraction: every product
// and sum rounds as in the Swift loop (`MaskSpriteSampler.countVisible`), so the same counts.
#include "CMaskSprite.h"
#include "mask_sprite_sampling.h"
#include <immintrin.h>

#pragma clang fp contract(off)

__attribute__((target("avx2")))
long metasim_mask_sprite_count_rows(const metasim_mask_sprite *s, const float *tu, const float *tv, int every, int outside,
                                    long width, long skip_from, long skip_to) {
    const __m256i bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    const __m256 every_lanes = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(every), bits), bits));
    const __m256 outside_lanes = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(outside), bits), bits));
    const __m256 both = _mm256_or_ps(every_lanes, outside_lanes);
    const __m256 du = _mm256_set1_ps(s->du), dv = _mm256_set1_ps(s->dv);
    const __m256 opacity = _mm256_set1_ps(s->opacity), threshold = _mm256_set1_ps(s->threshold);
    // A sample outside the sprite has alpha 0: visible only for a threshold at or below 0.
    const __m256 outside_visible = _mm256_cmp_ps(_mm256_mul_ps(opacity, _mm256_setzero_ps()), threshold, _CMP_GE_OQ);
    // Canvas rows alone count nothing from `skip_from` on when nothing lies right of the canvas.
    const long end = (every != 0 || skip_to < width) ? width : skip_from;
    __m256 u = _mm256_loadu_ps(tu), v = _mm256_loadu_ps(tv);
    long count = 0;
    for (long x = 0; x < end; x++) {
        __m256 needed = (x < skip_from || x >= skip_to) ? both : every_lanes;
        if (_mm256_movemask_ps(needed) != 0) {
            sprite_cells8 cells;
            __m256 visible = sprite_cells8_at(s, u, v, &cells)
                ? _mm256_cmp_ps(_mm256_mul_ps(opacity, cells.A), threshold, _CMP_GE_OQ) : outside_visible;
            count += __builtin_popcount(_mm256_movemask_ps(_mm256_and_ps(visible, needed)));
        }
        u = _mm256_add_ps(u, du);
        v = _mm256_add_ps(v, dv);
    }
    return count;
}
