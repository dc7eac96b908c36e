import CMaskSprite
// Bilinear sampling of sprite planes, shared by the forward draw loops, the reverse passes and
// the background kernels: one cell lookup (`BorderedCell`), one blend (`bilinear`).

import CUncheckedMath

/// Where texel coordinates `(u, v)` fall in a plane with a one-texel zero border: the index of
/// the top-left corner of their bilinear cell (in texels of a `paddedWidth`-wide plane; texel
/// centres at integers, texel `(0, 0)` the asset's top-left) and the fractions inside the cell.
/// Nil outside `[-1, width) × [-1, height)`, where every sample is 0. The one lookup behind every
/// sprite sample, forward and reverse.
struct BorderedCell {
    let index: Int
    /// The cell's top-left texel coordinates (whole numbers).
    let x0: Float, y0: Float
    /// `u − x0`, `v − y0`, in [0, 1).
    let fx: Float, fy: Float

    @inline(__always) init?(_ u: Float, _ v: Float, width: Float, height: Float, paddedWidth: Int) {
        guard u >= -1, v >= -1, u < width, v < height else { return nil }
        // Unchecked conversion and wrapping arithmetic: the guard bounds every value (this is the
        // hot path of every sprite draw; Swift's checked Int(Float) costs ~10 instructions).
        let ix = metasim_truncate_unchecked(u + 1) &- 1  // floor for u >= -1
        let iy = metasim_truncate_unchecked(v + 1) &- 1
        index = (iy &+ 1) &* paddedWidth &+ (ix &+ 1)
        x0 = Float(ix)
        y0 = Float(iy)
        fx = u - x0
        fy = v - y0
    }
}

/// Bilinear blend of four corner values at fractions `(fx, fy)`: along x on the top and bottom
/// rows, then along y. Shared by sprite sampling, its reverse pass and value noise.
@inline(__always) func bilinear<T: RenderScalar>(_ p00: T, _ p10: T, _ p01: T, _ p11: T, _ fx: T, _ fy: T) -> T {
    let top = p00 + (p10 - p00) * fx
    let bottom = p01 + (p11 - p01) * fx
    return top + (bottom - top) * fy
}

/// Bilinear sample of a bordered plane at texel coordinates `(tu, tv)` (`BorderedCell`). Zero
/// outside `[-1, width) × [-1, height)`. `stride`/`offset` select one channel of an interleaved
/// plane. With `T == GeometryDual` the fractions carry the derivatives.
@inline(__always) func sampleBordered<T: RenderScalar>(_ plane: UnsafePointer<Float>, paddedWidth: Int, width: Int, height: Int,
                                                     stride: Int, offset: Int, _ tu: T, _ tv: T) -> T {
    guard let cell = BorderedCell(tu.value, tv.value, width: Float(width), height: Float(height), paddedWidth: paddedWidth) else {
        return T(0)
    }
    // The fractions from tu, tv themselves, so that they carry their derivatives.
    let fx = tu - T(cell.x0), fy = tv - T(cell.y0)
    let base = cell.index &* stride &+ offset
    return bilinear(T(plane[base]), T(plane[base &+ stride]), T(plane[base &+ paddedWidth &* stride]),
                    T(plane[base &+ (paddedWidth &+ 1) &* stride]), fx, fy)
}

/// One bilinear cell of a sprite plane: the value there and its derivatives along the texel axes
/// (what the mask-sprite reverse pass needs), from the same numbers as the forward value.
struct SpriteCorners {
    let p00: Float, p10: Float, p01: Float, p11: Float
    let fx: Float, fy: Float

    @inline(__always) var value: Float { bilinear(p00, p10, p01, p11, fx, fy) }
    /// `∂ value / ∂ tu`.
    @inline(__always) var dU: Float { (1 - fy) * (p10 - p00) + fy * (p11 - p01) }
    /// `∂ value / ∂ tv`.
    @inline(__always) var dV: Float { (p01 + (p11 - p01) * fx) - (p00 + (p10 - p00) * fx) }
}

/// `SpriteCorners` of four samples, lane by lane the same operations; `inside` marks the lanes
/// inside the sprite's sampled range (outside lanes hold the corners at (0, 0)).
struct SpriteCorners4 {
    var p00 = SIMD4<Float>(), p10 = SIMD4<Float>(), p01 = SIMD4<Float>(), p11 = SIMD4<Float>()
    let fx: SIMD4<Float>, fy: SIMD4<Float>
    let inside: SIMDMask<SIMD4<Int32>>

    init(fx: SIMD4<Float>, fy: SIMD4<Float>, inside: SIMDMask<SIMD4<Int32>>) {
        self.fx = fx
        self.fy = fy
        self.inside = inside
    }

    /// `bilinear`, lane by lane; 0 outside.
    @inline(__always) var value: SIMD4<Float> {
        let top = p00 + (p10 - p00) * fx
        let bottom = p01 + (p11 - p01) * fx
        return (top + (bottom - top) * fy).replacing(with: 0, where: .!inside)
    }
}

/// Bilinear sampling of a grey alpha-mask sprite with texel coordinates stepped along rows:
/// `tu = (c·dx − s·dy)/sx + ou`, `tv = (s·dx + c·dy)/sy + ov` for pixel centre offsets `(dx, dy)`.
struct MaskSpriteSampler {
    let dudx: Float, dvdx: Float, dudy: Float, dvdy: Float
    let ou: Float, ov: Float, cx: Float, cy: Float
    let width: Float, height: Float, paddedWidth: Int
    let plane: UnsafePointer<Float>

    @inline(__always) init(_ layer: Layer, _ k: LayerKernel) {
        let g = layer.floatGeometry
        dudx = g.cosine / g.sx; dvdx = g.sine / g.sy
        dudy = -g.sine / g.sx; dvdy = g.cosine / g.sy
        ou = Float(k.spriteWidth) / 2 - 0.5; ov = Float(k.spriteHeight) / 2 - 0.5
        cx = g.cx; cy = g.cy
        width = Float(k.spriteWidth); height = Float(k.spriteHeight)
        paddedWidth = k.spriteWidth + 2
        plane = k.alpha!
    }

    /// This sampler for CMaskSprite's kernels: a draw of `opacity` that writes masks `id`, `cls`
    /// where `opacity · A ≥ threshold`, with grey tint `tint` (the reverse pass's).
    func cKernel(opacity: Float, threshold: Float = 0, id: UInt16 = 0, cls: UInt16 = 0, tint: Float = 0) -> metasim_mask_sprite {
        metasim_mask_sprite(plane: plane, padded_width: paddedWidth, width: width, height: height, du: dudx, dv: dvdx,
                            opacity: opacity, threshold: threshold, id: id, cls: cls, tint: tint)
    }

    /// Texel coordinates of pixel `(x, y)`'s centre.
    @inline(__always) func start(x: Int, y: Int) -> (Float, Float) {
        let dx = Float(x) + 0.5 - cx, dy = Float(y) + 0.5 - cy
        return (dudx * dx + dudy * dy + ou, dvdx * dx + dvdy * dy + ov)
    }

    /// The four alpha values around texel coordinates `(tu, tv)` and the fractions between them;
    /// nil outside `[-1, width) × [-1, height)` (alpha 0 there).
    @inline(__always) func corners(_ tu: Float, _ tv: Float) -> SpriteCorners? {
        guard let cell = BorderedCell(tu, tv, width: width, height: height, paddedWidth: paddedWidth) else { return nil }
        let i = cell.index
        return SpriteCorners(p00: plane[i], p10: plane[i &+ 1], p01: plane[i &+ paddedWidth], p11: plane[i &+ paddedWidth &+ 1],
                             fx: cell.fx, fy: cell.fy)
    }

    /// `alpha` at four texel coordinates at once (lane k at `(tu[k], tv[k])`): per lane the same
    /// operations in the same order, so the same values, 0 outside `[-1, width) × [-1, height)`.
    @inline(__always) func alpha4(_ tu: SIMD4<Float>, _ tv: SIMD4<Float>) -> SIMD4<Float> {
        if !any((tu .>= -1) .& (tv .>= -1) .& (tu .< width) .& (tv .< height)) { return .zero }
        return corners4(tu, tv).value
    }

    /// `corners` at four texel coordinates at once (lane k at `(tu[k], tv[k])`): per lane inside
    /// `[-1, width) × [-1, height)` the same values as `corners`.
    @inline(__always) func corners4(_ tu: SIMD4<Float>, _ tv: SIMD4<Float>) -> SpriteCorners4 {
        let inside = (tu .>= -1) .& (tv .>= -1) .& (tu .< width) .& (tv .< height)
        // Lanes outside (or NaN) sample at (0, 0): their truncation stays in range.
        let u = tu.replacing(with: 0, where: .!inside), v = tv.replacing(with: 0, where: .!inside)
        let ix = metasim_truncate4_unchecked(u + 1) &- 1, iy = metasim_truncate4_unchecked(v + 1) &- 1  // floor for ≥ −1
        let index = (iy &+ 1) &* Int32(truncatingIfNeeded: paddedWidth) &+ (ix &+ 1)
        var c = SpriteCorners4(fx: u - metasim_float4_from_int4(ix), fy: v - metasim_float4_from_int4(iy), inside: inside)
        for k in 0..<4 {
            let i = Int(index[k])
            c.p00[k] = plane[i]; c.p10[k] = plane[i &+ 1]
            c.p01[k] = plane[i &+ paddedWidth]; c.p11[k] = plane[i &+ paddedWidth &+ 1]
        }
        return c
    }

    /// The texel coordinates of four consecutive samples from `(tu, tv)`, stepped by `(du, dv)`
    /// one addition at a time — the chain the one-sample loops step, so the same values — and
    /// `(tu, tv)` moved on to the fifth sample's.
    @inline(__always) static func fourSteps(_ tu: inout Float, _ tv: inout Float, du: Float, dv: Float) -> (SIMD4<Float>, SIMD4<Float>) {
        var us = SIMD4<Float>(), vs = SIMD4<Float>()
        for lane in 0..<4 { us[lane] = tu; vs[lane] = tv; tu += du; tv += dv }
        return (us, vs)
    }

    /// Samples at pixels `x, x + step, …` below `end`, the texel coordinates `(tu, tv)` stepped by
    /// `(du, dv)` after each (`fourSteps`, as the draw steps them; four samples at a time through
    /// `alpha4`); returns how many have `opacity · alpha ≥ threshold`. On return `x`
    /// is the first pixel not sampled and `(tu, tv)` its coordinates.
    @inline(__always) func countVisible(x: inout Int, to end: Int, step: Int, tu: inout Float, tv: inout Float, du: Float, dv: Float,
                                        opacity: Float, threshold: Float) -> Int {
        var count = 0
        while x &+ 3 &* step < end {
            let (us, vs) = Self.fourSteps(&tu, &tv, du: du, dv: dv)
            let visible = opacity * alpha4(us, vs) .>= threshold
            count &+= Int(SIMD4<Int32>.zero.replacing(with: 1, where: visible).wrappedSum())
            x &+= 4 &* step
        }
        while x < end {
            if opacity * alpha(tu, tv) >= threshold { count &+= 1 }
            tu += du; tv += dv; x &+= step
        }
        return count
    }

    /// Alpha at texel coordinates; 0 outside `[-1, width) × [-1, height)`. (The same numbers as
    /// `corners(tu, tv)?.value`, without building the corners: the forward hot loop.)
    @inline(__always) func alpha(_ tu: Float, _ tv: Float) -> Float {
        guard let cell = BorderedCell(tu, tv, width: width, height: height, paddedWidth: paddedWidth) else { return 0 }
        let i = cell.index
        return bilinear(plane[i], plane[i &+ 1], plane[i &+ paddedWidth], plane[i &+ paddedWidth &+ 1], cell.fx, cell.fy)
    }
}
