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

/// `metasim_paint_noise_rgb` of the value-noise plane that `valueNoisePlane` (Sources/Render/
/// BackgroundKernel.swift) makes, made row by row as it is painted instead of stored: with
/// `line(j)[x] = L[j][c_x] + (L[j][c_x + 1] − L[j][c_x]) · w_x` (L the `columns`-wide `lattice`,
/// c and w the `column_cells` and `column_weights`), pixel (x, y) takes
/// `n = top[x] + (bottom[x] − top[x]) · row_weights[y] − offset` with top and bottom the lines of
/// `row_cells[y]` and the next lattice row: the plane's operations, in its order, so the same
/// bits. `lines` is scratch for `2 · width` values. Call only when
/// `metasim_background_paint_available()`.
void metasim_paint_noise_lattice_rgb(const float *lattice, long columns, const int *column_cells, const float *column_weights,
                                     const int *row_cells, const float *row_weights, long width, long height, float offset,
                                     float base0, float base1, float base2, float amplitude, float opacity, int black_under,
                                     float *lines, float *out);

#endif
