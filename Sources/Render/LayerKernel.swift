import Foundation

/// Pixel rectangle `[x0, x1) × [y0, y1)`; empty when `x0 >= x1` or `y0 >= y1`.
struct PixelBox: Equatable, Sendable {
    var x0: Int, y0: Int, x1: Int, y1: Int
    var isEmpty: Bool { x0 >= x1 || y0 >= y1 }
    var area: Int { isEmpty ? 0 : (x1 - x0) * (y1 - y0) }
    func clipped(width: Int, height: Int) -> PixelBox {
        PixelBox(x0: max(x0, 0), y0: max(y0, 0), x1: min(x1, width), y1: min(y1, height))
    }
}

/// Geometry of one layer in a number type `T`: centre, rotation as cosine/sine, scale, half width.
/// With `T == GeometryDual` each carries its own slot's unit derivative.
struct LayerGeometry<T: RenderScalar> {
    var cx: T, cy: T, cosine: T, sine: T, sx: T, sy: T, halfWidth: T
}

extension Layer {
    var floatGeometry: LayerGeometry<Float> {
        let r = self[.rotation]
        return LayerGeometry(cx: self[.centreX], cy: self[.centreY], cosine: cos(r), sine: sin(r),
                             sx: self[.scaleX], sy: self[.scaleY], halfWidth: self[.halfWidth])
    }

    var dualGeometry: LayerGeometry<GeometryDual> {
        let r = self[.rotation]
        var dc = SIMD8<Float>.zero, ds = SIMD8<Float>.zero
        dc[GeometrySlot.rotation] = -sin(r)
        ds[GeometrySlot.rotation] = cos(r)
        return LayerGeometry(cx: GeometryDual(variable: self[.centreX], slot: GeometrySlot.centreX),
                             cy: GeometryDual(variable: self[.centreY], slot: GeometrySlot.centreY),
                             cosine: GeometryDual(value: cos(r), partials: dc), sine: GeometryDual(value: sin(r), partials: ds),
                             sx: GeometryDual(variable: self[.scaleX], slot: GeometrySlot.scaleX),
                             sy: GeometryDual(variable: self[.scaleY], slot: GeometrySlot.scaleY),
                             halfWidth: GeometryDual(variable: self[.halfWidth], slot: GeometrySlot.halfWidth))
    }

    /// True when the scale makes the layer degenerate (draws nothing): a scale ≤ 1e-6 or a
    /// polyline width ≤ 0 with no stroke.
    var isDegenerate: Bool {
        if case .background = content { return false }
        return !(self[.scaleX] > 1e-6 && self[.scaleY] > 1e-6)
    }

    /// Local half-open extents `(minX, maxX, minY, maxY)` in rotated screen pixels outside which
    /// coverage is exactly 0.
    private var localExtent: (Float, Float, Float, Float) {
        let sx = self[.scaleX], sy = self[.scaleY]
        switch content {
        case .background: return (0, 0, 0, 0)
        case .sprite(let s):
            // Non-zero samples need texel coordinates in (x0 − 1, x1) × (y0 − 1, y1).
            let ou = Float(s.width) / 2 - 0.5, ov = Float(s.height) / 2 - 0.5
            return ((Float(s.ink.x0) - 1 - ou) * sx, (Float(s.ink.x1) - ou) * sx,
                    (Float(s.ink.y0) - 1 - ov) * sy, (Float(s.ink.y1) - ov) * sy)
        case .shape(.rectangle), .shape(.ellipse):
            return (-sx / 2 - 0.5, sx / 2 + 0.5, -sy / 2 - 0.5, sy / 2 + 0.5)
        case .shape(.arc(let arc)):
            // Not scaled; the stroke and its ramp around the centreline.
            let (x0, x1, y0, y1) = ArcShape(arc).extent, pad = 0.5 + max(self[.halfWidth], 0)
            return (x0 - pad, x1 + pad, y0 - pad, y1 + pad)
        case .shape(.polygon(let v)), .shape(.polyline(let v)):
            var pad: Float = 0.5
            if case .shape(.polyline) = content { pad += max(self[.halfWidth], 0) }
            let xs = v.map { $0.x * sx }, ys = v.map { $0.y * sy }
            return (xs.min()! - pad, xs.max()! + pad, ys.min()! - pad, ys.max()! + pad)
        }
    }

    /// Pixels whose centres may get non-zero coverage, on an unbounded canvas (backgrounds: the
    /// whole canvas). Empty for degenerate layers.
    func supportBox(width: Int, height: Int) -> PixelBox {
        if case .background = content { return PixelBox(x0: 0, y0: 0, x1: width, y1: height) }
        if isDegenerate { return PixelBox(x0: 0, y0: 0, x1: 0, y1: 0) }
        if case .sprite(let s) = content, s.ink.x0 >= s.ink.x1 { return PixelBox(x0: 0, y0: 0, x1: 0, y1: 0) }
        let (lx0, lx1, ly0, ly1) = localExtent
        let g = floatGeometry
        var minX = Float.infinity, maxX = -Float.infinity, minY = Float.infinity, maxY = -Float.infinity
        for (lx, ly) in [(lx0, ly0), (lx1, ly0), (lx0, ly1), (lx1, ly1)] {
            let x = g.cx + g.cosine * lx + g.sine * ly
            let y = g.cy - g.sine * lx + g.cosine * ly
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        }
        // Pixel p has its centre at p + 0.5. Clamp to a sane range so huge shapes stay finite.
        let limit: Float = 16_777_216
        func lo(_ v: Float) -> Int { Int(min(max((v - 0.5).rounded(.up), -limit), limit)) }
        func hi(_ v: Float) -> Int { Int(min(max((v - 0.5).rounded(.down), -limit), limit)) + 1 }
        return PixelBox(x0: lo(minX), y0: lo(minY), x1: hi(maxX), y1: hi(maxY))
    }
}

/// What a layer draws, reduced to plain values and pointers for the pixel loops (valid only
/// inside `withKernel`).
struct LayerKernel {
    enum Kind { case background, sprite, rectangle, ellipse, polygon, polyline, arc }
    var kind: Kind
    var spriteWidth = 0, spriteHeight = 0, spriteChannels = 1
    var alpha: UnsafePointer<Float>? = nil
    /// Colour sprites only: premultiplied colour planes.
    var colour: UnsafePointer<Float>? = nil
    var vertices = UnsafeBufferPointer<SIMD2<Float>>(start: nil, count: 0)
    /// Arcs only: the centreline (placeholder values otherwise).
    var arc = ArcShape.none
    /// Polylines on a row of `ShapeRows` (nil: every segment searched): per segment `i` of
    /// `vertices` the closed interval of pixel-centre x beyond which it is farther than the
    /// row's outer level (`nearestSegment`'s `reach`).
    var segmentReach: UnsafePointer<SIMD2<Double>>? = nil

    /// This kernel for the pixels `xs` of its row alone: a polyline with `segmentReach` (and at
    /// least three segments, `xs` at least two pixels) keeps only its segments from the first to
    /// the last whose reach holds some pixel centre `x + 0.5` of `xs`, nil when none does
    /// (coverage 0 on all of `xs`: a reach exists only for half widths far below
    /// `Float.greatestFiniteMagnitude`, `ShapeRows`); any other kernel is returned unchanged.
    /// The segments dropped are skipped by `nearestSegment` at every pixel of `xs` anyway, and
    /// the kept ones stay in order, so every value and derivative on `xs` is the same; a search
    /// then visits the few segments near `xs` instead of a whole row's (a road crossing rows at a
    /// shallow angle: all its segments).
    @inline(__always) func trimmed(to xs: Range<Int>) -> LayerKernel? {
        // One pixel, or one or two segments: a search visits as many reaches as the trimming.
        guard kind == .polyline, let reach = segmentReach, vertices.count >= 4, xs.count >= 2 else { return self }
        // The same values `nearestSegment` compares: Double(Float(x) + 0.5).
        let lo = Double(Float(xs.lowerBound) + 0.5), hi = Double(Float(xs.upperBound &- 1) + 0.5)
        var first = 0, last = 0
        for i in 1..<vertices.count {
            let r = reach[i]
            if r.x <= hi && r.y >= lo {
                if first == 0 { first = i }
                last = i
            }
        }
        if first == 0 { return nil }
        if first == 1 && last == vertices.count &- 1 { return self }
        var kernel = self
        kernel.vertices = UnsafeBufferPointer(rebasing: vertices[(first &- 1)...last])
        kernel.segmentReach = reach + (first &- 1)
        return kernel
    }
}

/// Calls `body` with the layer's kernel (its buffers pinned for the call).
@inline(__always) func withKernel<R>(_ layer: Layer, _ body: (LayerKernel) -> R) -> R {
    switch layer.content {
    case .background: return body(LayerKernel(kind: .background))
    case .sprite(let s):
        return s.withPlanes {
            var k = LayerKernel(kind: .sprite, spriteWidth: s.width, spriteHeight: s.height, spriteChannels: s.channels, alpha: s.alpha)
            k.colour = s.colour
            return body(k)
        }
    case .shape(.rectangle): return body(LayerKernel(kind: .rectangle))
    case .shape(.ellipse): return body(LayerKernel(kind: .ellipse))
    case .shape(.polygon(let v)): return v.withUnsafeBufferPointer { body(LayerKernel(kind: .polygon, vertices: $0)) }
    case .shape(.polyline(let v)): return v.withUnsafeBufferPointer { body(LayerKernel(kind: .polyline, vertices: $0)) }
    case .shape(.arc(let a)): return body(LayerKernel(kind: .arc, arc: ArcShape(a)))
    }
}

/// Alpha `A` (before opacity) of a layer at pixel centre `(X, Y)`: sprite alpha, or shape
/// coverage; 1 for backgrounds.
@inline(__always) func layerAlpha<T: RenderScalar>(_ k: LayerKernel, _ g: LayerGeometry<T>, X: Float, Y: Float) -> T {
    if k.kind == .background { return T(1) }
    let dx = T(X) - g.cx, dy = T(Y) - g.cy
    let lx = g.cosine * dx - g.sine * dy
    let ly = g.sine * dx + g.cosine * dy
    switch k.kind {
    case .background: return T(1)
    case .sprite:
        let tu = lx / g.sx + T(Float(k.spriteWidth) / 2 - 0.5), tv = ly / g.sy + T(Float(k.spriteHeight) / 2 - 0.5)
        return sampleBordered(k.alpha!, paddedWidth: k.spriteWidth + 2, width: k.spriteWidth, height: k.spriteHeight, stride: 1, offset: 0, tu, tv)
    case .polyline:
        let nearest = nearestSegment(lx.value, ly.value, g.sx.value, g.sy.value, k.vertices, closed: false, reach: k.segmentReach, X: X)
        if T.self == Float.self {
            // The search's own Float distance of the winner: the value `polylineDistance` recomputes.
            let best = nearest.index < 0 ? Float.greatestFiniteMagnitude : nearest.distance
            return T(edgeCoverage(best - g.halfWidth.value))
        }
        return edgeCoverage(polylineDistance(lx, ly, g.sx, g.sy, g.halfWidth, k.vertices, nearest: nearest.index))
    case .polygon where T.self == Float.self:
        // The search's own Float distance of the winner: the value `polygonDistance` recomputes.
        let nearest = nearestSegment(lx.value, ly.value, g.sx.value, g.sy.value, k.vertices, closed: true)
        let best = nearest.index < 0 ? Float.greatestFiniteMagnitude : nearest.distance
        return T(edgeCoverage(nearest.inside ? -best : best))
    case .rectangle, .ellipse, .polygon, .arc: return edgeCoverage(shapeDistance(k, g, lx: lx, ly: ly))
    }
}

/// Signed distance (pixels, negative inside) of a procedural shape's outline from the point
/// `(lx, ly)` of its rotated frame. Shapes only.
@inline(__always) private func shapeDistance<T: RenderScalar>(_ k: LayerKernel, _ g: LayerGeometry<T>, lx: T, ly: T) -> T {
    switch k.kind {
    case .rectangle: return rectangleDistance(lx, ly, g.sx, g.sy)
    case .ellipse: return ellipseDistance(lx, ly, g.sx, g.sy)
    case .polygon: return polygonDistance(lx, ly, g.sx, g.sy, k.vertices)
    case .polyline: return polylineDistance(lx, ly, g.sx, g.sy, g.halfWidth, k.vertices)
    case .arc: return arcDistance(lx, ly, k.arc) - g.halfWidth
    case .background, .sprite: preconditionFailure("shapeDistance: not a shape")
    }
}

/// `layerAlpha` in `GeometryDual`, skipping the dual arithmetic where a shape's coverage is flat:
/// its edge ramp's input `0.5 − sd` (computed in `Float` from `plain`, the same geometry as
/// `g`'s values, so bit for bit the dual's value) is below 0 (coverage 0) or above 1 (coverage
/// 1), where `edgeCoverage` returns a constant. Only the 1-pixel ramp, and every sprite pixel,
/// carry derivatives; there the nearest segment of a polygon or polyline, found in `Float` for
/// the value, is reused (the dual's search would run on the same values). Same value and
/// partials as `layerAlpha(k, g, X:, Y:)`.
@inline(__always) func layerAlphaDual(_ k: LayerKernel, _ g: LayerGeometry<GeometryDual>, plain: LayerGeometry<Float>,
                                      X: Float, Y: Float) -> GeometryDual {
    switch k.kind {
    case .rectangle, .ellipse, .polygon, .polyline, .arc:
        let dx = X - plain.cx, dy = Y - plain.cy
        let lx = plain.cosine * dx - plain.sine * dy
        let ly = plain.sine * dx + plain.cosine * dy
        var nearest = (index: -1, inside: false)
        let sd: Float
        switch k.kind {
        case .polygon:
            let n = nearestSegment(lx, ly, plain.sx, plain.sy, k.vertices, closed: true)
            nearest = (n.index, n.inside)
            sd = polygonDistance(lx, ly, plain.sx, plain.sy, k.vertices, nearest: nearest)
        case .polyline:
            let n = nearestSegment(lx, ly, plain.sx, plain.sy, k.vertices, closed: false, reach: k.segmentReach, X: X)
            nearest = (n.index, false)
            // `polylineDistance` in Float recomputes the winner's distance: the search's value.
            sd = (n.index < 0 ? Float.greatestFiniteMagnitude : n.distance) - plain.halfWidth
        default: sd = shapeDistance(k, plain, lx: lx, ly: ly)
        }
        let ramp = 0.5 - sd
        if ramp < 0 { return GeometryDual(0) }
        if ramp > 1 { return GeometryDual(1) }
        // As `layerAlpha` in GeometryDual.
        let dxD = GeometryDual(X) - g.cx, dyD = GeometryDual(Y) - g.cy
        let lxD = g.cosine * dxD - g.sine * dyD
        let lyD = g.sine * dxD + g.cosine * dyD
        switch k.kind {
        case .polygon: return edgeCoverage(polygonDistance(lxD, lyD, g.sx, g.sy, k.vertices, nearest: nearest))
        case .polyline: return edgeCoverage(polylineDistance(lxD, lyD, g.sx, g.sy, g.halfWidth, k.vertices, nearest: nearest.index))
        default: return edgeCoverage(shapeDistance(k, g, lx: lxD, ly: lyD))
        }
    case .background, .sprite:
        return layerAlpha(k, g, X: X, Y: Y)
    }
}

/// The premultiplied colour of a colour sprite at `(X, Y)`, channel `c`.
@inline(__always) func spriteColour<T: RenderScalar>(_ k: LayerKernel, _ g: LayerGeometry<T>, X: Float, Y: Float, channel c: Int) -> T {
    let dx = T(X) - g.cx, dy = T(Y) - g.cy
    let lx = g.cosine * dx - g.sine * dy
    let ly = g.sine * dx + g.cosine * dy
    let tu = lx / g.sx + T(Float(k.spriteWidth) / 2 - 0.5), tv = ly / g.sy + T(Float(k.spriteHeight) / 2 - 0.5)
    return sampleBordered(k.colour!, paddedWidth: k.spriteWidth + 2, width: k.spriteWidth, height: k.spriteHeight,
                          stride: k.spriteChannels, offset: c, tu, tv)
}
