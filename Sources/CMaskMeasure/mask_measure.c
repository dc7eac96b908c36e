// See CMaskMeasure.h. Per row: eight values compared at once (sixteen by id with AVX2, where the
// processor has it), the comparison's byte mask gives
// the row's matches (two bits each) and, from its lowest and highest set bits, the first and
// last matching column (by id), or the columns where a run starts (by runs); the last
// width % 8 columns one at a time.
#include "CMaskMeasure.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// One id's pixels so far: their count and the box of the rows measured.
typedef struct {
    long count, x0, x1, y0, y1;
} id_extent;

// A step's comparison bits (two per value, the values from column `x`): the matches are
// counted, and the row's first and last matching columns (`first` is `width` until found).
static inline void note_matches(unsigned bits, long x, long width, id_extent *e, long *first, long *last) {
    if (bits == 0) return;
    e->count += __builtin_popcount(bits) / 2;
    if (*first == width) *first = x + __builtin_ctz(bits) / 2;
    *last = x + (31 - __builtin_clz(bits)) / 2;
}

// Row `y`'s columns from `x` on, one at a time, then the row's matching columns into the box.
static inline void finish_row(const uint16_t *row, long x, long width, long y, uint16_t id, long first, long last, id_extent *e) {
    for (; x < width; x++) {
        if (row[x] != id) continue;
        e->count++;
        if (first == width) first = x;
        last = x;
    }
    if (last < 0) return;
    if (first < e->x0) e->x0 = first;
    if (last > e->x1) e->x1 = last;
    if (e->y0 < 0) e->y0 = y;
    e->y1 = y;
}

// The count, with the box written to `box` when it is above 0.
static inline long report(const id_extent *e, long box[4]) {
    if (e->count > 0) { box[0] = e->x0; box[1] = e->y0; box[2] = e->x1; box[3] = e->y1; }
    return e->count;
}

#if defined(__x86_64__)
#include <immintrin.h>
// `metasim_mask_measure_id` sixteen values a step (AVX2): the same count and box.
__attribute__((target("avx2")))
static long measure_id_avx2(const uint16_t *mask, long width, long height, uint16_t id, long box[4]) {
    id_extent e = {0, width, -1, -1, -1};
    const __m256i target = _mm256_set1_epi16((short)id);
    for (long y = 0; y < height; y++) {
        const uint16_t *row = mask + y * width;
        long first = width, last = -1, x = 0;
        for (; x + 16 <= width; x += 16) {
            unsigned bits = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi16(_mm256_loadu_si256((const __m256i *)(row + x)), target));
            note_matches(bits, x, width, &e, &first, &last);
        }
        finish_row(row, x, width, y, id, first, last, &e);
    }
    return report(&e, box);
}

// Whether the processor has AVX2, asked once (0 unknown, 1 no, 2 yes; threads racing on the
// first call each ask and store the same answer).
static int measure_avx2 = 0;
#endif

long metasim_mask_measure_id(const uint16_t *mask, long width, long height, uint16_t id, long box[4]) {
#if defined(__x86_64__)
    int avx2 = __atomic_load_n(&measure_avx2, __ATOMIC_RELAXED);
    if (avx2 == 0) {
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") ? 2 : 1;
        __atomic_store_n(&measure_avx2, avx2, __ATOMIC_RELAXED);
    }
    if (avx2 == 2) return measure_id_avx2(mask, width, height, id, box);
#endif
    id_extent e = {0, width, -1, -1, -1};
    for (long y = 0; y < height; y++) {
        const uint16_t *row = mask + y * width;
        long first = width, last = -1, x = 0;
#if defined(__SSE2__)
        const __m128i target = _mm_set1_epi16((short)id);
        for (; x + 8 <= width; x += 8) {
            unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(row + x)), target));
            note_matches(bits, x, width, &e, &first, &last);
        }
#endif
        finish_row(row, x, width, y, id, first, last, &e);
    }
    return report(&e, box);
}

/// The run of `id` over columns `x0…x1` of row `y`.
static inline void metasim_close_run(long *visible, int32_t (*box)[4], uint16_t id, long x0, long x1, long y) {
    if (id == 0) return;
    visible[id] += x1 - x0 + 1;
    int32_t *b = box[id];
    if ((int32_t)x0 < b[0]) b[0] = (int32_t)x0;
    if ((int32_t)y < b[1]) b[1] = (int32_t)y;
    if ((int32_t)x1 > b[2]) b[2] = (int32_t)x1;
    if ((int32_t)y > b[3]) b[3] = (int32_t)y;
}

void metasim_mask_measure_runs(const uint16_t *mask, long width, long height, long *visible, int32_t (*box)[4]) {
    if (width <= 0) return;
    for (long y = 0; y < height; y++) {
        const uint16_t *row = mask + y * width;
        long start = 0, x = 1;
#if defined(__SSE2__)
        // Columns x…x+7 whose value differs from their left neighbour's start a run.
        for (; x + 8 <= width; x += 8) {
            unsigned same = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(row + x)),
                                                                         _mm_loadu_si128((const __m128i *)(row + x - 1))));
            unsigned starts = ~same & 0xFFFFu;
            while (starts != 0) {
                long next = x + __builtin_ctz(starts) / 2;
                metasim_close_run(visible, box, row[start], start, next - 1, y);
                start = next;
                starts &= starts - 1;   // the lane's two bits: clear both
                starts &= starts - 1;
            }
        }
#endif
        for (; x < width; x++) {
            if (row[x] == row[x - 1]) continue;
            metasim_close_run(visible, box, row[start], start, x - 1, y);
            start = x;
        }
        metasim_close_run(visible, box, row[start], start, width - 1, y);
    }
}
