// Grey alpha-mask sprites with AVX2 where the processor has it: up to eight rows blended `over` a
// grey or RGB canvas, eight pixels at a time, and their reverse pass on a grey canvas (the rows'
// texel-coordinate chains stepped side by side); the count of a sprite's visible pixels beyond
// the canvas. The renderer's hot loops for MNIST-like scenes: Sources/Render/Compositor.swift
// (`drawMaskSprite`, `countMaskSpriteOutside`) and Sources/Render/CompositorVJPFastPaths.swift
// (`backwardMaskSprite`) call them and keep their own loops, which give the same bits, for
// processors without AVX2 and for tests.
#ifndef METASIM_MASK_SPRITE_H
#define METASIM_MASK_SPRITE_H

#include <stdint.h>

/// What every row of one sprite draw shares.
typedef struct {
    /// `(width + 2) × (height + 2)` alpha values, row-major, a border of zeros (`Sprite.alpha`).
    const float *plane;
    long padded_width;
    /// The sprite's size in texels, as floats (the range test's bounds).
    float width, height;
    /// Texel-coordinate steps per pixel along a row.
    float du, dv;
    /// The alpha is `opacity · A` (the source `opacity · tint · A`, its `opacity · tint` given to
    /// the draw per channel).
    float opacity;
    /// Masks are written where `opacity · A ≥ threshold`.
    float threshold;
    /// Mask values (1-based object number, class id).
    uint16_t id, cls;
    /// The grey tint (the reverse pass's).
    float tint;
} metasim_mask_sprite;

/// Whether the kernels run (the processor has AVX2); else the caller draws.
int metasim_mask_sprite_available(void);

/// Draws `rows` (1 to 8) rows of `count` pixels of a grey (`channels` 1) or RGB (3, values
/// interleaved) canvas: row k's values start at `out + k · out_stride`, its mask values at
/// `instance + k · mask_stride` and `semantic + k · mask_stride`. Row k's texel coordinates start
/// at `(tu[k], tv[k])` and step by `(du, dv)` one addition at a time (`tu`, `tv`: eight values
/// each; the eight rows' chains step side by side, one vector addition each). Per pixel with
/// `A ≠ 0` (bilinear alpha, 0 outside `[-1, width) × [-1, height)`):
/// `out_c = opacity_tint[c]·A + (1 − opacity·A)·out_c` (`opacity_tint[c]` = opacity · tint of
/// channel c; one value for a grey canvas), and, when `instance` is not null, `instance = id`,
/// `semantic = cls` where `opacity·A ≥ threshold`. Adds the pixels with `A ≠ 0` to `*touched`
/// and those at or above the threshold to `*covered`. Every value is computed with the
/// operations, in the order, of the Swift loop. Call only when `metasim_mask_sprite_available()`.
void metasim_mask_sprite_rows(const metasim_mask_sprite *s, const float *opacity_tint, int channels, const float *tu,
                              const float *tv, long rows, long count, float *out, long out_stride, uint16_t *instance,
                              uint16_t *semantic, long mask_stride, long *touched, long *covered);

/// Counts the samples with `opacity · A ≥ threshold` (A: bilinear alpha, 0 outside
/// `[-1, width) × [-1, height)`) over up to eight rows of a sprite's support, one row per lane,
/// its texel coordinates starting at `(tu[k], tv[k])` for the support's first column and stepped
/// by `(du, dv)` one addition at a time per column, as a row is drawn. Of the columns
/// `0 … width − 1` (from the support's first), lane k counts every column when bit k of `every`
/// is set (a row beyond the canvas) and, when bit k of `outside` is set (a canvas row), the
/// columns before `skip_from` and from `skip_to` on (those beyond the canvas); lanes with neither
/// bit count nothing. `tu` and `tv` hold eight values. Eight rows share each step, so the chain of
/// additions costs an eighth of one row's. Call only when `metasim_mask_sprite_available()`.
long metasim_mask_sprite_count_rows(const metasim_mask_sprite *s, const float *tu, const float *tv, int every, int outside,
                                    long width, long skip_from, long skip_to);

/// The reverse of `metasim_mask_sprite_rows` over up to eight rows (`rows`, 1 to 8) of a grey
/// canvas, each over the pixels `x0 … x0 + count − 1`. Row k is row `y0 + k`; its texel
/// coordinates start at `(tu[k], tv[k])` and step as the draw steps them (`tu`, `tv`: eight
/// values each); `under + k · under_stride` holds the values under the sprite before it was
/// drawn, `grad + k · grad_stride` the upstream gradient, which becomes dL/d under:
/// `g · (1 − opacity·A)` where `A ≠ 0`. Per pixel with `A ≠ 0`, with `dA = (g·tint −
/// g·under)·opacity`, `gu = dA·∂A/∂tu`, `gv = dA·∂A/∂tv` and `dx` the pixel centre's x less `cx`,
/// the terms Σgu, Σgv, Σgu·dx, Σgv·dx, Σgu·(tu − ou), Σgv·(tv − ov), Σ(g·tint − g·under)·A
/// and Σg·opacity·A add to lane `i mod 8` (i: the pixel's column from `x0`) of the row's sums;
/// then, row after row, each sum's lanes add in order 0…7 in `float` and go to `totals` in
/// `double`: su, sv, su_dx, sv_dx, su·dy, sv·dy (dy = y + 0.5 − cy), su_u, sv_v, opacity,
/// tint (ten values, added to). `cx`, `cy`: the sprite centre (px); `(ou, ov)`: its
/// centre's texel coordinates. The operations, in the order, of the Swift loop, so the same
/// bits. Call only when `metasim_mask_sprite_available()`.
void metasim_mask_sprite_reverse_rows(const metasim_mask_sprite *s, const float *tu, const float *tv, long rows, long x0, long count,
                                      float cx, float ou, float ov, long y0, float cy, const float *under, long under_stride,
                                      float *grad, long grad_stride, double *totals);

#endif
