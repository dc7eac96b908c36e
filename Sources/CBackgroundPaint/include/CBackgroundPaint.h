// A noise background painted `over` an RGB canvas, eight pixels at a time with AVX2 where the
// processor has it: the renderer's fill of aerial grass (Sources/Render/Compositor.swift,
// `drawBackground`), which keeps its own loop, giving the same bits, for other processors and
// for tests.
#ifndef METASIM_BACKGROUND_PAINT_H
#define METASIM_BACKGROUND_PAINT_H

/// Whether `metasim_paint_noise_rgb` runs (the processor has AVX2).
int metasim_background_paint_available(void);

/// For each pixel p below `pixels` and channel c below 3, with `v = base_c + amplitude · n[p]`:
/// `out[3p + c] = opacity · v + keep · under`, where `keep = 1 − opacity` and `under` is
/// `out[3p + c]`, or, with `black_under` (out not read), 0. Every value is computed with the
/// operations, in the order, of the Swift loop (`paintBackground` with `NoiseFillValues`).
/// Call only when `metasim_background_paint_available()`.
void metasim_paint_noise_rgb(const float *n, long pixels, float base0, float base1, float base2, float amplitude, float opacity,
                             int black_under, float *out);

#endif
