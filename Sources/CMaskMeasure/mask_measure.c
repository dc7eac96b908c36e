// See CMaskMeasure.h. Per row: eight values compared at once, the comparison's byte mask gives
// the row's matches (two bits each) and, from its lowest and highest set bits, the first and
// last matching column; the last width % 8 columns one at a time.
#include "CMaskMeasure.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

long metasim_mask_measure_id(const uint16_t *mask, long width, long height, uint16_t id, long box[4]) {
    long count = 0, x0 = width, x1 = -1, y0 = -1, y1 = -1;
    for (long y = 0; y < height; y++) {
        const uint16_t *row = mask + y * width;
        long first = width, last = -1, x = 0;
#if defined(__SSE2__)
        const __m128i target = _mm_set1_epi16((short)id);
        for (; x + 8 <= width; x += 8) {
            unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(row + x)), target));
            if (bits == 0) continue;
            count += __builtin_popcount(bits) / 2;
            if (first == width) first = x + __builtin_ctz(bits) / 2;
            last = x + (31 - __builtin_clz(bits)) / 2;
        }
#endif
        for (; x < width; x++) {
            if (row[x] != id) continue;
            count++;
            if (first == width) first = x;
            last = x;
        }
        if (last < 0) continue;
        if (first < x0) x0 = first;
        if (last > x1) x1 = last;
        if (y0 < 0) y0 = y;
        y1 = y;
    }
    if (count > 0) { box[0] = x0; box[1] = y0; box[2] = x1; box[3] = y1; }
    return count;
}
