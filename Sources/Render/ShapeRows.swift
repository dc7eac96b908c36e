import Foundation

/// Row-by-row spans of a shape layer's pixel loops: the pixels `xs` of a row that may get
/// coverage (`PolylineRows` for roads, the shape's outline widened by half a pixel for the other
/// shapes), and inside them a run `full` of pixels whose coverage is exactly 1, which the loops
/// fill without evaluating the signed distance (sprites and backgrounds: `full` is empty).
///
/// Coverage is `clamp(0.5 − sd, 0, 1)` (`edgeCoverage`), so it is exactly 1 with zero derivatives
/// wherever the computed signed distance `sd` is below −0.5. A pixel is put in `full` only when
/// its centre lies at distance ≥ `0.5 + margin` inside the outline in exact arithmetic (the spans
/// are computed in `Double` from the same `Float` geometry as the pixel kernels); `margin`
/// (≥ 0.01 px, growing with the coordinates' magnitude) exceeds the rounding of the kernels'
/// `Float` distance, so their `sd` is below −0.5 there too. Likewise `xs` leaves out only pixels
/// at distance ≥ `0.5 + margin` outside. Per shape (local frame: the pixel centre relative to
/// the centre, rotated back, scale not removed):
/// - rectangles and convex polygons: the intersection of the edges' half-planes moved inwards
///   (`full`) or outwards (`xs`) by `0.5 + margin` (inside a convex outline the distance to the
///   boundary is the smallest distance to an edge's line; outside, the largest signed one bounds it);
/// - ellipses: the first-order distance satisfies `(f − 1)·a_min ≤ |sd|` sign-wise, with
///   `f = |(lx/a_x, ly/a_y)|`, so `f ≤ 1 − (0.5 + margin)/a_min` gives `full` and
///   `f < 1 + (0.5 + margin)/a_min` bounds `xs` (a quadratic in the pixel's x per row);
/// - polylines: the union of each segment's strip (projection inside the segment, distance
///   ≤ `w − 0.5 − margin` for half width `w`) and of the discs of that radius around the
///   vertices (the longest merged run is `full`); `xs` as `PolylineRows`;
/// - other polygons (concave, self-intersecting): no `full`, `xs` the whole box row.
/// Tested pixel by pixel against the kernels (ShapeRowsTests): coverage 1 with zero partials
/// in `full`, 0 outside `xs`.
struct ShapeRows {
    private let polyline: PolylineRows
    private let form: Form
    /// Rotation (the kernels' `Float` cosine and sine) and centre, in `Double`.
    private let c: Double, s: Double, cx: Double, cy: Double
    /// `0.5 + margin`, px.
    private let reach: Double

    private enum Form {
        /// Nothing skipped: `xs` is the box row (or the polyline's), `full` empty.
        case none
        /// Inside: `n · p ≤ o` for each `(n.x, n.y, o)`, unit normals `n`.
        case halfPlanes([SIMD3<Double>])
        /// Semi-axes `a_x`, `a_y`; `full` where `f ≤ inner`, `xs` where `f < outer`.
        case ellipse(ax: Double, ay: Double, inner: Double, outer: Double)
        /// Scaled vertices (local px) and the radius `w − 0.5 − margin` of the interior pieces.
        case polyline([SIMD2<Double>], radius: Double)
    }

    init(_ layer: Layer, width: Int, height: Int) {
        polyline = PolylineRows(layer)
        let g = layer.floatGeometry
        c = Double(g.cosine); s = Double(g.sine); cx = Double(g.cx); cy = Double(g.cy)
        guard case .shape(let outline) = layer.content,
              [g.cx, g.cy, g.cosine, g.sine, g.sx, g.sy, g.halfWidth].allSatisfy(\.isFinite) else {
            form = .none
            reach = 0
            return
        }
        let sx = Double(g.sx), sy = Double(g.sy)
        var vertices: [SIMD2<Double>] = []
        var extent = max(abs(sx), abs(sy))
        switch outline {
        case .polygon(let v), .polyline(let v):
            // Scaled as the kernels scale them (in Float), then widened.
            vertices = v.map { SIMD2(Double(g.sx * $0.x), Double(g.sy * $0.y)) }
            extent = vertices.reduce(0) { max($0, abs($1.x), abs($1.y)) } + Double(max(g.halfWidth, 0))
        default: break
        }
        // The kernels' Float rounding is a few ulps of the coordinates' magnitude: 1e-4 of it is
        // ample, and 0.01 px covers small coordinates.
        let magnitude = abs(cx) + abs(cy) + Double(width + height) + extent
        reach = 0.5 + 0.01 + 1e-4 * magnitude
        switch outline {
        case .rectangle:
            form = .halfPlanes([SIMD3(1, 0, sx / 2), SIMD3(-1, 0, sx / 2), SIMD3(0, 1, sy / 2), SIMD3(0, -1, sy / 2)])
        case .ellipse:
            let ax = sx / 2, ay = sy / 2, minor = min(ax, ay)
            form = minor > 0 ? .ellipse(ax: ax, ay: ay, inner: 1 - reach / minor, outer: 1 + reach / minor) : .none
        case .polygon:
            form = Self.convexHalfPlanes(vertices).map { .halfPlanes($0) } ?? .none
        case .polyline:
            form = .polyline(vertices, radius: Double(g.halfWidth) - reach)
        }
    }

    /// The half-planes `n · p ≤ o` whose intersection is the polygon, when it is strictly convex
    /// and winds once (else nil: even–odd insides of other polygons are not convex).
    private static func convexHalfPlanes(_ v: [SIMD2<Double>]) -> [SIMD3<Double>]? {
        let n = v.count
        guard n >= 3 else { return nil }
        var sign = 0.0, turning = 0.0
        for i in 0..<n {
            let e0 = v[i] - v[(i + n - 1) % n], e1 = v[(i + 1) % n] - v[i]
            let cross = e0.x * e1.y - e0.y * e1.x
            guard abs(cross) > 1e-9 * max(1, (e0 * e0).sum() * (e1 * e1).sum()).squareRoot(), sign == 0 || (cross > 0) == (sign > 0) else {
                return nil
            }
            sign = cross
            turning += atan2(cross, (e0 * e1).sum())
        }
        guard abs(abs(turning) - 2 * Double.pi) < 0.1 else { return nil }
        return (0..<n).map { i in
            let a = v[(i + n - 1) % n], b = v[i], e = b - a
            let length = (e * e).sum().squareRoot()
            // Outward normal: right of the edge for counter-clockwise order in (x, y), left otherwise.
            let normal = (sign > 0 ? SIMD2(e.y, -e.x) : SIMD2(-e.y, e.x)) / length
            return SIMD3(normal.x, normal.y, (normal * a).sum())
        }
    }

    /// The pixels `xs` of row `y` (inside `box`) that may be covered, the run `full` inside `xs`
    /// whose coverage is exactly 1 (possibly empty), and `kernel` with a polyline's vertices
    /// narrowed as `PolylineRows.row` narrows them.
    @inline(__always) func row(_ y: Int, box: PixelBox, kernel: LayerKernel) -> (xs: Range<Int>, full: Range<Int>, kernel: LayerKernel) {
        let (xs, narrowed) = polyline.row(y, box: box, kernel: kernel)
        if case .none = form { return (xs, xs.lowerBound..<xs.lowerBound, narrowed) }
        // The row's pixel centres X in the local frame: p(X) = p0 + X · d.
        let dy = Double(y) + 0.5 - cy
        let d = SIMD2(c, s), p0 = SIMD2(-c * cx - s * dy, -s * cx + c * dy)
        var outer = (lo: -Double.infinity, hi: Double.infinity), inner = outer
        switch form {
        case .none: break
        case .halfPlanes(let planes):
            for plane in planes {
                let n = SIMD2(plane.x, plane.y)
                let alpha = (n * p0).sum(), beta = (n * d).sum()
                outer = Self.clip(outer, alpha, beta, plane.z + reach)
                inner = Self.clip(inner, alpha, beta, plane.z - reach)
            }
        case .ellipse(let ax, let ay, let innerF, let outerF):
            let axes = SIMD2(ax, ay)
            outer = Self.ellipseChord(p0 / axes, d / axes, outerF)
            inner = innerF > 0 ? Self.ellipseChord(p0 / axes, d / axes, innerF) : (1, 0)
        case .polyline(let vertices, let radius):
            inner = radius > 0 ? Self.strokeRun(vertices, radius: radius, p0: p0, d: d, segments: narrowed.vertices, all: kernel.vertices) : (1, 0)
        }
        var touched = xs
        if case .polyline = form {} else { touched = Self.pixels(outer, within: xs) }
        let full = Self.pixels(inner, within: touched)
        return (touched, full.isEmpty ? touched.lowerBound..<touched.lowerBound : full, narrowed)
    }

    /// Pixels whose centres `x + 0.5` lie in the closed interval, clamped to `range`.
    @inline(__always) private static func pixels(_ interval: (lo: Double, hi: Double), within range: Range<Int>) -> Range<Int> {
        guard interval.lo <= interval.hi else { return range.lowerBound..<range.lowerBound }
        let lo = min(max((interval.lo - 0.5).rounded(.up), Double(range.lowerBound)), Double(range.upperBound))
        let hi = min(max((interval.hi - 0.5).rounded(.down) + 1, lo), Double(range.upperBound))
        return Int(lo)..<Int(hi)
    }

    /// `interval` ∩ {X : alpha + beta·X ≤ t}.
    @inline(__always) private static func clip(_ interval: (lo: Double, hi: Double), _ alpha: Double, _ beta: Double,
                                               _ t: Double) -> (lo: Double, hi: Double) {
        if abs(beta) < 1e-12 { return alpha <= t ? interval : (1, 0) }
        let x = (t - alpha) / beta
        return beta > 0 ? (interval.lo, min(interval.hi, x)) : (max(interval.lo, x), interval.hi)
    }

    /// {X : |q0 + X·e| ≤ radius}: the chord of the disc on the line (empty: lo > hi). Solved
    /// around the line's nearest point, so that no large terms cancel.
    @inline(__always) private static func ellipseChord(_ q0: SIMD2<Double>, _ e: SIMD2<Double>, _ radius: Double) -> (lo: Double, hi: Double) {
        let a = (e * e).sum()
        guard a > 0 else { return (1, 0) }
        let t = -(q0 * e).sum() / a
        let nearest = q0 + t * e
        let rest = radius * radius - (nearest * nearest).sum()
        guard rest >= 0 else { return (1, 0) }
        let half = (rest / a).squareRoot()
        return (t - half, t + half)
    }

    /// The longest run of the row covered by the union of the strips and vertex discs of
    /// `segments` (a slice of `all`, both over the unscaled vertices; the scaled ones are
    /// `vertices`, same indices), radius `radius`.
    @inline(__always) private static func strokeRun(_ vertices: [SIMD2<Double>], radius: Double, p0: SIMD2<Double>, d: SIMD2<Double>,
                                                    segments: UnsafeBufferPointer<SIMD2<Float>>,
                                                    all: UnsafeBufferPointer<SIMD2<Float>>) -> (lo: Double, hi: Double) {
        guard let base = all.baseAddress, let start = segments.baseAddress, segments.count >= 2 else { return (1, 0) }
        let first = start - base, last = first + segments.count - 1
        let capacity = 2 * segments.count
        return withUnsafeTemporaryAllocation(of: (lo: Double, hi: Double).self, capacity: capacity) { pieces in
            var count = 0
            for i in first...last {
                let v = vertices[i]
                let disc = ellipseChord(p0 - v, d, radius)
                if disc.lo <= disc.hi { pieces[count] = disc; count += 1 }
                guard i > first else { continue }
                let a = vertices[i - 1], e = v - a
                let length = (e * e).sum().squareRoot()
                guard length > 1e-9 else { continue }
                let along = e / length, normal = SIMD2(-along.y, along.x)
                let q = p0 - a
                var strip = (lo: -Double.infinity, hi: Double.infinity)
                let u0 = (q * along).sum(), du = (d * along).sum()
                let w0 = (q * normal).sum(), dw = (d * normal).sum()
                strip = clip(strip, -u0, -du, 0)  // u ≥ 0
                strip = clip(strip, u0, du, length)  // u ≤ length
                strip = clip(strip, w0, dw, radius)  // w ≤ radius
                strip = clip(strip, -w0, -dw, radius)  // w ≥ −radius
                if strip.lo <= strip.hi { pieces[count] = strip; count += 1 }
            }
            guard count > 0 else { return (1, 0) }
            // Insertion sort by start (few pieces), then merge and keep the longest run.
            for i in 1..<max(count, 1) {
                let piece = pieces[i]
                var j = i
                while j > 0 && pieces[j - 1].lo > piece.lo { pieces[j] = pieces[j - 1]; j -= 1 }
                pieces[j] = piece
            }
            var best = pieces[0], run = pieces[0]
            for i in 1..<max(count, 1) {
                if pieces[i].lo <= run.hi { run.hi = max(run.hi, pieces[i].hi) } else { run = pieces[i] }
                if run.hi - run.lo > best.hi - best.lo { best = run }
            }
            return best
        }
    }
}
