// The pixels of one id in an instance mask: their count and bounding box, eight mask values at a
// time with SSE2 (every x86-64 processor has it; a plain loop elsewhere). Ground truth of images
// with few objects (Sources/Render/GroundTruthBuilder.swift, `measure(id:in:…)`), where one pass per
// object beats the run-by-run pass over all ids.
#ifndef METASIM_MASK_MEASURE_H
#define METASIM_MASK_MEASURE_H

#include <stdint.h>

/// Counts the values equal to `id` in `mask` (`width × height`, row-major) and returns the
/// count; when it is above 0, `box` receives the first and last column and row holding one
/// (x0, y0, x1, y1), else `box` is left as it is.
long metasim_mask_measure_id(const uint16_t *mask, long width, long height, uint16_t id, long box[4]);

#endif
