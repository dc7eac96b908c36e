/// The forward and reverse loops of a background over the whole canvas, in `SIMD4` lanes, with
/// the fill's kind decided once per layer (`BackgroundFill`, `BackgroundKernel`): the same
/// operations in the same order as the per-value expressions they replace, so the same values
/// bit for bit (MetaSimTests/Fingerprint2DTests; the background scenes cover every fill on a
/// grey and an RGB canvas).
///
/// Forward (`paintBackground`): `out = blend(opacity · fill(p, c), alpha: opacity, under)` with
/// `fill = tint·w_t + end·w_e + amplitude·w_a`; for `over`, four output values per step (a grey
/// canvas: four pixels; RGB: four pixels as three vectors of interleaved channels).
/// Reverse (`reverseBackground`): lanes are the channels of one pixel, so that every per-row
/// sum keeps its order (pixel by pixel along the row, then rows, then channels in `Double`).

/// A background fill's value `tint·w_t + end·w_e + amplitude·w_a` per pixel and channel, and its
/// weights `(w_t, w_e, w_a)` (`BackgroundKernel.weights`), written out for one kind.
protocol BackgroundFillValues {
    /// The value at pixel `p`, channel `c`.
    func value(_ p: Int, _ c: Int) -> Float
    /// Values of pixels `p..<p+4` on a grey canvas.
    func grey4(_ p: Int) -> SIMD4<Float>
    /// Values at output indices `3p..<3p+12` (pixels `p..<p+4`, channels interleaved) on an RGB canvas.
    func rgb4(_ p: Int) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
    /// The weights of pixel `p`, lane `c` for channel `c` (lanes past the channels: anything finite).
    func weights(_ p: Int) -> (t: SIMD4<Float>, e: SIMD4<Float>, a: SIMD4<Float>)
    /// True when `weights(p).e` is zero at every pixel (the fill has no end colour).
    static var endWeightIsZero: Bool { get }
    /// True when `weights(p).a` is zero at every pixel (the fill has no noise).
    static var amplitudeWeightIsZero: Bool { get }
}

/// Interleaving helpers: lanes of RGB values at output indices `3p + k`, `k` in `0..<12`.
enum Interleave {
    /// Per-pixel values `v` (4 pixels) repeated over their 3 channels.
    @inline(__always) static func pixels(_ v: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        (SIMD4(v[0], v[0], v[0], v[1]), SIMD4(v[1], v[1], v[2], v[2]), SIMD4(v[2], v[3], v[3], v[3]))
    }

    /// Per-channel values `c` (lanes 0–2) repeated over 4 pixels.
    @inline(__always) static func channels(_ c: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        (SIMD4(c[0], c[1], c[2], c[0]), SIMD4(c[1], c[2], c[0], c[1]), SIMD4(c[2], c[0], c[1], c[2]))
    }
}

/// Four floats from `p` (any alignment).
@inline(__always) func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}

/// Four floats to `p` (any alignment).
@inline(__always) func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
}

/// `p[i] *= factor` for every `i` in `range`, four lanes at a time (the same products as one by one).
@inline(__always) func scale(_ p: UnsafeMutablePointer<Float>, _ range: Range<Int>, by factor: Float) {
    var i = range.lowerBound
    while i &+ 4 <= range.upperBound {
        store4(load4(p + i) * factor, p + i)
        i &+= 4
    }
    while i < range.upperBound {
        p[i] = p[i] * factor
        i &+= 1
    }
}

/// `constant`: `tint·1 + end·0 + amplitude·0`.
struct ConstantFillValues: BackgroundFillValues {
    static var endWeightIsZero: Bool { true }
    static var amplitudeWeightIsZero: Bool { true }
    let fill: SIMD4<Float>
    let rgb: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)

    init(tint: SIMD4<Float>, end: SIMD4<Float>, amplitude: Float) {
        fill = tint * 1 + end * 0 + amplitude * 0
        rgb = Interleave.channels(fill)
    }

    @inline(__always) func value(_ p: Int, _ c: Int) -> Float { fill[c] }
    @inline(__always) func grey4(_ p: Int) -> SIMD4<Float> { SIMD4(repeating: fill[0]) }
    @inline(__always) func rgb4(_ p: Int) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) { rgb }
    @inline(__always) func weights(_ p: Int) -> (t: SIMD4<Float>, e: SIMD4<Float>, a: SIMD4<Float>) {
        (SIMD4(repeating: 1), .zero, .zero)
    }
}

/// `gradient`: `tint·(1 − t) + end·t + amplitude·0`, `t` per pixel.
struct GradientFillValues: BackgroundFillValues {
    static var endWeightIsZero: Bool { false }
    static var amplitudeWeightIsZero: Bool { true }
    let t: UnsafePointer<Float>
    let tint: SIMD4<Float>, end: SIMD4<Float>, zero: Float
    let tintRGB: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>), endRGB: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)

    init(_ t: UnsafePointer<Float>, tint: SIMD4<Float>, end: SIMD4<Float>, amplitude: Float) {
        self.t = t
        self.tint = tint
        self.end = end
        zero = amplitude * 0
        tintRGB = Interleave.channels(tint)
        endRGB = Interleave.channels(end)
    }

    @inline(__always) func value(_ p: Int, _ c: Int) -> Float { tint[c] * (1 - t[p]) + end[c] * t[p] + zero }
    @inline(__always) func grey4(_ p: Int) -> SIMD4<Float> {
        let v = load4(t + p)
        return tint[0] * (1 - v) + end[0] * v + zero
    }
    @inline(__always) func rgb4(_ p: Int) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let (v0, v1, v2) = Interleave.pixels(load4(t + p))
        return (tintRGB.0 * (1 - v0) + endRGB.0 * v0 + zero, tintRGB.1 * (1 - v1) + endRGB.1 * v1 + zero,
                tintRGB.2 * (1 - v2) + endRGB.2 * v2 + zero)
    }
    @inline(__always) func weights(_ p: Int) -> (t: SIMD4<Float>, e: SIMD4<Float>, a: SIMD4<Float>) {
        (SIMD4(repeating: 1 - t[p]), SIMD4(repeating: t[p]), .zero)
    }
}

/// `noise`: `(tint·1 + end·0) + amplitude·(n − 0.5)`, `n − 0.5` per pixel.
struct NoiseFillValues: BackgroundFillValues {
    static var endWeightIsZero: Bool { true }
    static var amplitudeWeightIsZero: Bool { false }
    let n: UnsafePointer<Float>
    let base: SIMD4<Float>, amplitude: Float
    let baseRGB: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)

    init(_ n: UnsafePointer<Float>, tint: SIMD4<Float>, end: SIMD4<Float>, amplitude: Float) {
        self.n = n
        base = tint * 1 + end * 0
        self.amplitude = amplitude
        baseRGB = Interleave.channels(base)
    }

    @inline(__always) func value(_ p: Int, _ c: Int) -> Float { base[c] + amplitude * n[p] }
    @inline(__always) func grey4(_ p: Int) -> SIMD4<Float> { base[0] + amplitude * load4(n + p) }
    @inline(__always) func rgb4(_ p: Int) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let (v0, v1, v2) = Interleave.pixels(amplitude * load4(n + p))
        return (baseRGB.0 + v0, baseRGB.1 + v1, baseRGB.2 + v2)
    }
    @inline(__always) func weights(_ p: Int) -> (t: SIMD4<Float>, e: SIMD4<Float>, a: SIMD4<Float>) {
        (SIMD4(repeating: 1), .zero, SIMD4(repeating: n[p]))
    }
}

/// `image`: `tint·image(p, c) + end·0 + amplitude·0`, the image interleaved like the canvas.
struct ImageFillValues: BackgroundFillValues {
    static var endWeightIsZero: Bool { true }
    static var amplitudeWeightIsZero: Bool { true }
    let image: UnsafePointer<Float>
    let channels: Int
    let tint: SIMD4<Float>, rest: SIMD4<Float>
    let tintRGB: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>), restRGB: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
    let zero: Float

    init(_ image: UnsafePointer<Float>, channels: Int, tint: SIMD4<Float>, end: SIMD4<Float>, amplitude: Float) {
        self.image = image
        self.channels = channels
        self.tint = tint
        rest = end * 0
        zero = amplitude * 0
        tintRGB = Interleave.channels(tint)
        restRGB = Interleave.channels(rest)
    }

    @inline(__always) func value(_ p: Int, _ c: Int) -> Float { tint[c] * image[p &* channels &+ c] + rest[c] + zero }
    @inline(__always) func grey4(_ p: Int) -> SIMD4<Float> { tint[0] * load4(image + p) + rest[0] + zero }
    @inline(__always) func rgb4(_ p: Int) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let i = image + 3 &* p
        return (tintRGB.0 * load4(i) + restRGB.0 + zero, tintRGB.1 * load4(i + 4) + restRGB.1 + zero,
                tintRGB.2 * load4(i + 8) + restRGB.2 + zero)
    }
    @inline(__always) func weights(_ p: Int) -> (t: SIMD4<Float>, e: SIMD4<Float>, a: SIMD4<Float>) {
        let i = p &* channels
        return channels == 3 ? (SIMD4(image[i], image[i &+ 1], image[i &+ 2], 0), .zero, .zero) : (SIMD4(repeating: image[i]), .zero, .zero)
    }
}

/// Something done with a fill's values, specialised per kind (`withFillValues`).
protocol BackgroundFillVisitor {
    associatedtype Result
    func visit<F: BackgroundFillValues>(_ fill: F) -> Result
}

/// Calls `visitor` with the fill values of `kernel` (its basis pinned for the call).
@inline(__always) func withFillValues<V: BackgroundFillVisitor>(_ kernel: BackgroundKernel, channels: Int, tint: SIMD3<Float>,
                                                               end: SIMD3<Float>, amplitude: Float, _ visitor: V) -> V.Result {
    // Lane 3 is unused; 0 keeps it finite.
    let tint4 = SIMD4(tint, 0), end4 = SIMD4(end, 0)
    guard let basis = kernel.basis else { return visitor.visit(ConstantFillValues(tint: tint4, end: end4, amplitude: amplitude)) }
    return basis.withUnsafeBufferPointer { b in
        let b = b.baseAddress!
        switch kernel.kind {
        case .gradient: return visitor.visit(GradientFillValues(b, tint: tint4, end: end4, amplitude: amplitude))
        case .noise: return visitor.visit(NoiseFillValues(b, tint: tint4, end: end4, amplitude: amplitude))
        default: return visitor.visit(ImageFillValues(b, channels: channels, tint: tint4, end: end4, amplitude: amplitude))
        }
    }
}

/// `out[i] = blend(opacity · fill(p, c), alpha: opacity, under: out[i])` over `pixels` pixels of
/// `channels` (1 or 3) values; with `blackUnder`, `under` is 0 and `out` is only written.
@inline(__always) func paintBackground<F: BackgroundFillValues>(_ fill: F, into out: UnsafeMutablePointer<Float>, pixels n: Int,
                                                               channels: Int, opacity: Float, over: Bool, blackUnder: Bool) {
    var p = 0
    if over {
        // blend over: `src + (1 − a) · under`, a = opacity. On black, `keep · under` is the
        // same product for every value: taken once (the same bits), and `out` is not read.
        let keep = 1 - opacity
        @inline(__always) func loop(_ put: (SIMD4<Float>, Int) -> Void) {
            if channels == 3 {
                while p &+ 4 <= n {
                    let (v0, v1, v2) = fill.rgb4(p)
                    let i = 3 &* p
                    put(v0, i); put(v1, i &+ 4); put(v2, i &+ 8)
                    p &+= 4
                }
            } else {
                while p &+ 4 <= n {
                    put(fill.grey4(p), p)
                    p &+= 4
                }
            }
        }
        if blackUnder {
            let onBlack = keep * SIMD4<Float>.zero
            loop { v, i in store4(opacity * v + onBlack, out + i) }
        } else {
            loop { v, i in store4(opacity * v + keep * load4(out + i), out + i) }
        }
    }
    while p < n {
        for c in 0..<channels {
            let i = p &* channels &+ c
            out[i] = blend(opacity * fill.value(p, c), alpha: opacity, under: blackUnder ? 0 : out[i], over: over)
        }
        p &+= 1
    }
}

/// The reverse of `paintBackground` over a `width × height` canvas: turns `grad` (dL/d out) into
/// dL/d under in place and returns `(dL/d opacity, dL/d(w_t, w_e, w_a) per channel)`, the weight
/// sums not yet multiplied by the opacity. RGB `over` only: `under` nil is a black canvas (+0),
/// and `writesUnder: false` leaves `grad` as it is. Per row and channel the sums run in `Float` in pixel
/// order, then in `Double` over rows, channel after channel (the order of the scalar loops).
@inline(__always) func reverseBackground<F: BackgroundFillValues>(_ fill: F, tint: SIMD3<Float>, end: SIMD3<Float>, amplitude: Float,
                                                                 under: UnsafePointer<Float>?, grad: UnsafeMutablePointer<Float>,
                                                                 width: Int, height: Int, channels: Int, opacity: Float,
                                                                 over: Bool, writesUnder: Bool = true) -> (opacity: Double, weights: [SIMD3<Double>]) {
    let tint4 = SIMD4(tint, 0), end4 = SIMD4(end, 0)
    let keep = 1 - opacity
    // Per row: the opacity sum and the three weight sums, lane c for channel c.
    var rows = [SIMD4<Float>](repeating: .zero, count: 4 * height)
    rows.withUnsafeMutableBufferPointer { rows in
        if over && channels == 3 {
            // The same sums with less work per pixel (BackgroundReverseRGB.swift).
            reverseBackgroundRGBOver(fill, tint: tint, end: end, amplitude: amplitude, under: under, grad: grad, width: width,
                                     height: height, opacity: opacity, rows: rows.baseAddress!, writesUnder: writesUnder)
            return
        }
        let under = under!
        if over && channels == 1 {
            reverseBackgroundGreyOver(fill, tint: tint.x, end: end.x, amplitude: amplitude, under: under, grad: grad, width: width,
                                      height: height, keep: keep, rows: rows.baseAddress!)
            return
        }
        for y in 0..<height {
            var rOpacity = SIMD4<Float>.zero, rT = SIMD4<Float>.zero, rE = SIMD4<Float>.zero, rA = SIMD4<Float>.zero
            for p in (y &* width)..<(y &* width &+ width) {
                let i = p &* channels
                var g = SIMD4<Float>.zero, u = SIMD4<Float>.zero
                if channels == 3 {
                    g = SIMD4(grad[i], grad[i &+ 1], grad[i &+ 2], 0)
                    u = SIMD4(under[i], under[i &+ 1], under[i &+ 2], 0)
                } else {
                    g[0] = grad[i]
                    u[0] = under[i]
                }
                let w = fill.weights(p)
                let base = tint4 * w.t + end4 * w.e + amplitude * w.a
                // blendBackward, lane by lane.
                let dSrc: SIMD4<Float>, dAlpha: SIMD4<Float>, dUnder: SIMD4<Float>
                if over {
                    (dSrc, dAlpha, dUnder) = (g, -(g * u), g * keep)
                } else {
                    let larger = opacity * base .> u
                    (dSrc, dAlpha, dUnder) = (SIMD4.zero.replacing(with: g, where: larger), .zero, g.replacing(with: 0, where: larger))
                }
                grad[i] = dUnder[0]
                if channels == 3 { grad[i &+ 1] = dUnder[1]; grad[i &+ 2] = dUnder[2] }
                rOpacity += dSrc * base + dAlpha
                rT += dSrc * w.t
                rE += dSrc * w.e
                rA += dSrc * w.a
            }
            rows[4 &* y] = rOpacity; rows[4 &* y &+ 1] = rT; rows[4 &* y &+ 2] = rE; rows[4 &* y &+ 3] = rA
        }
    }
    var dOpacity = 0.0
    var weights: [SIMD3<Double>] = []
    for c in 0..<channels {
        var sum = SIMD3<Double>.zero
        for y in 0..<height {
            dOpacity += Double(rows[4 * y][c])
            sum += SIMD3<Double>(Double(rows[4 * y + 1][c]), Double(rows[4 * y + 2][c]), Double(rows[4 * y + 3][c]))
        }
        weights.append(sum)
    }
    return (dOpacity, weights)
}

/// `reverseBackground`'s loop for a grey canvas and blend `over`: the per-pixel terms of four
/// pixels at a time as vectors (lane k for pixel p + k, each the operations of the loop above on
/// lane 0), then added to the row's sums one pixel after the other, as that loop adds them: the
/// same sums, bit for bit, in lane 0 of `rows`.
@inline(__always) func reverseBackgroundGreyOver<F: BackgroundFillValues>(_ fill: F, tint: Float, end: Float, amplitude: Float,
                                                                         under: UnsafePointer<Float>, grad: UnsafeMutablePointer<Float>,
                                                                         width: Int, height: Int, keep: Float,
                                                                         rows: UnsafeMutablePointer<SIMD4<Float>>) {
    for y in 0..<height {
        var rOpacity: Float = 0, rT: Float = 0, rE: Float = 0, rA: Float = 0
        var p = y &* width
        let rowEnd = p &+ width
        while p &+ 4 <= rowEnd {
            let (w0, w1, w2, w3) = (fill.weights(p), fill.weights(p &+ 1), fill.weights(p &+ 2), fill.weights(p &+ 3))
            let wt = SIMD4(w0.t[0], w1.t[0], w2.t[0], w3.t[0]), we = SIMD4(w0.e[0], w1.e[0], w2.e[0], w3.e[0])
            let wa = SIMD4(w0.a[0], w1.a[0], w2.a[0], w3.a[0])
            let g = load4(grad + p), u = load4(under + p)
            let base = tint * wt + end * we + amplitude * wa
            store4(g * keep, grad + p)
            let o = g * base + -(g * u), t = g * wt, e = g * we, a = g * wa
            for k in 0..<4 { rOpacity += o[k]; rT += t[k]; rE += e[k]; rA += a[k] }
            p &+= 4
        }
        while p < rowEnd {
            let w = fill.weights(p)
            let g = grad[p], u = under[p]
            let base = tint * w.t[0] + end * w.e[0] + amplitude * w.a[0]
            grad[p] = g * keep
            rOpacity += g * base + -(g * u)
            rT += g * w.t[0]; rE += g * w.e[0]; rA += g * w.a[0]
            p &+= 1
        }
        rows[4 &* y] = SIMD4(rOpacity, 0, 0, 0); rows[4 &* y &+ 1] = SIMD4(rT, 0, 0, 0)
        rows[4 &* y &+ 2] = SIMD4(rE, 0, 0, 0); rows[4 &* y &+ 3] = SIMD4(rA, 0, 0, 0)
    }
}

/// `paintBackground` as a visitor.
struct BackgroundPaint: BackgroundFillVisitor {
    let out: UnsafeMutablePointer<Float>
    let pixels: Int, channels: Int
    let opacity: Float
    let over: Bool, blackUnder: Bool

    func visit<F: BackgroundFillValues>(_ fill: F) {
        paintBackground(fill, into: out, pixels: pixels, channels: channels, opacity: opacity, over: over, blackUnder: blackUnder)
    }
}

/// `reverseBackground` as a visitor.
struct BackgroundReverse: BackgroundFillVisitor {
    let tint: SIMD3<Float>, end: SIMD3<Float>, amplitude: Float
    /// Nil: black (every value +0; RGB `over` only).
    let under: UnsafePointer<Float>?, grad: UnsafeMutablePointer<Float>
    let width: Int, height: Int, channels: Int
    let opacity: Float, over: Bool
    /// False: dL/d under is not written (RGB `over` only; nothing reads it).
    var writesUnder = true

    func visit<F: BackgroundFillValues>(_ fill: F) -> (opacity: Double, weights: [SIMD3<Double>]) {
        reverseBackground(fill, tint: tint, end: end, amplitude: amplitude, under: under, grad: grad, width: width, height: height,
                          channels: channels, opacity: opacity, over: over, writesUnder: writesUnder)
    }
}
