// The pixels of the ids in an instance mask: their counts and bounding boxes, eight mask values
// at a time with SSE2 (every x86-64 processor has it; a plain loop elsewhere), sixteen by id
// with AVX2 where the processor has it. Ground truth
// (Sources/Render/GroundTruthBuilder.swift): one id per pass for images with few objects
// (`measure(id:in:…)`), every id in one pass run by run otherwise (`measure(_:…)`).
#ifndef METASIM_MASK_MEASURE_H
#define METASIM_MASK_MEASURE_H

#include <stdint.h>

/// Counts the values equal to `id` in `mask` (`width × height`, row-major) and returns the
/// count; when it is above 0, `box` receives the first and last column and row holding one
/// (x0, y0, x1, y1), else `box` is left as it is.
long metasim_mask_measure_id(const uint16_t *mask, long width, long height, uint16_t id, long box[4]);

/// Adds each id's pixels of `mask` (`width × height`, row-major) to `visible[id]` and widens
/// `box[id]` (x0, y0, x1, y1: first and last column and row) over them, run by run: a run of one
/// id (a change of value ends it, as does a row's end) adds its length and its two ends; id 0 is
/// skipped. Every id in the mask must be below the length of `visible` and `box`. The boundaries
/// of runs are found eight values at a time, by comparing each value with its left neighbour.
void metasim_mask_measure_runs(const uint16_t *mask, long width, long height, long *visible, int32_t (*box)[4]);

#endif
