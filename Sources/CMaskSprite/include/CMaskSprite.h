// One row of a grey alpha-mask sprite blended `over` a grey canvas, eight pixels at a time with
// AVX2 where the processor has it. The renderer's hot loop for
// MNIST-like scenes; Sources/Render/Compositor.swift (`drawMaskSprite`) calls it and keeps its own
// loop, which gives the same bits, for processors without AVX2 and for tests.
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
    /// `opacity · tint` and `opacity` (the source is `opacity · tint · A`, the alpha `opacity · A`).
    float opacity_tint, opacity;
    /// Masks are written where `opacity · A ≥ threshold`.
    float threshold;
    /// Mask values (1-based object number, class id).
    uint16_t id, cls;
} metasim_mask_sprite;

/// Whether `metasim_mask_sprite_row` runs (the processor has AVX2); else the caller draws.
int metasim_mask_sprite_available(void);

/// Draws `count` pixels from `out` (one row of a grey canvas): texel coordinates start at
/// `(tu, tv)` and step by `(du, dv)` one addition at a time; per pixel with `A ≠ 0` (bilinear
/// alpha, 0 outside `[-1, width) × [-1, height)`): `out = opacity·tint·A + (1 − opacity·A)·out`,
/// and, when `instance` is not null, `instance = id`, `semantic = cls` where `opacity·A ≥
/// threshold`. Adds the pixels with `A ≠ 0` to `*touched` and those at or above the threshold
/// to `*covered`. Every value is computed with the operations, in the order, of the Swift loop.
/// Call only when `metasim_mask_sprite_available()`.
void metasim_mask_sprite_row(const metasim_mask_sprite *s, float tu, float tv, long count, float *out,
                             uint16_t *instance, uint16_t *semantic, long *touched, long *covered);

#endif
