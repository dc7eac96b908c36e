// Grey alpha-mask sprites with AVX2 where the processor has it: up to eight rows blended `over` a
// grey or RGB canvas, eight pixels at a time; a grey row's reverse pass and the texel
// coordinates it reads (eight rows' chains at once); the count of a sprite's visible pixels
// beyond the canvas. The renderer's hot loops for MNIST-like scenes; Sources/Render/Compositor.swift (`drawMaskSprite`) and
// Sources/Render/CompositorVJPFastPaths.swift (`backwardMaskSprite`) call them and keep their own
// loops, which give the same bits, for processors without AVX2 and for tests.
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

/// A reverse row's sums, eight lanes each: pixel `x0 + i` of a row adds to lane `i mod 8`.
/// With `gu = dA · ∂A/∂tu`, `gv = dA · ∂A/∂tv`, `dA = (g·tint − g·under) · opacity`, `dx` the
/// pixel centre's x offset from the sprite's centre: `su` Σgu, `sv` Σgv, `su_dx` Σgu·dx,
/// `sv_dx` Σgv·dx, `su_u` Σgu·(tu − ou), `sv_v` Σgv·(tv − ov), `opacity` Σ(g·tint − g·under)·A,
/// `tint` Σg·opacity·A, over the pixels with `A ≠ 0`.
typedef struct {
    float su[8], sv[8], su_dx[8], sv_dx[8], su_u[8], sv_v[8], opacity[8], tint[8];
} metasim_mask_sprite_sums;

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

/// Texel coordinates of up to eight rows over `count` columns, for the reverse pass: row k starts
/// at `(tu[k], tv[k])` and steps by `(du, dv)` one addition per column, as a row is drawn (the
/// eight rows' chains side by side, one vector addition each); row k's go to `us + k · stride`
/// and `vs + k · stride`. `tu`, `tv` hold eight values; `stride` is at least `count` rounded up
/// to a multiple of 8 (values up to there are written). Call only when
/// `metasim_mask_sprite_available()`.
void metasim_mask_sprite_chains(const metasim_mask_sprite *s, const float *tu, const float *tv, long count, float *us, float *vs,
                                long stride);

/// The reverse of `metasim_mask_sprite_rows` over the pixels `x0 … x0 + count − 1` of one grey
/// row, pixel i at texel coordinates `(us[i], vs[i])` (`metasim_mask_sprite_chains`): per pixel
/// with `A ≠ 0` and upstream gradient `g = grad[i]`, adds its terms to `sums` (see
/// `metasim_mask_sprite_sums`) and sets `grad[i] = g · (1 − opacity·A)` (dL/d under). `under[i]`
/// is the value under the sprite before it was drawn; `cx` the sprite centre's x (px), `(ou, ov)`
/// the texel coordinates of the sprite's centre. Lane sums add in pixel order, with the
/// operations of the Swift loop, so the same bits. Call only when
/// `metasim_mask_sprite_available()`.
void metasim_mask_sprite_reverse_row(const metasim_mask_sprite *s, const float *us, const float *vs, long x0, long count, float cx,
                                     float ou, float ov, const float *under, float *grad, metasim_mask_sprite_sums *sums);

#endif
