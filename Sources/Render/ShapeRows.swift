import Foundation

/// Row-by-row spans of a shape layer's pixel loops, at two levels of the kernels' signed distance
/// `sd` (px, negative inside): the pixels `xs` of a row outside which `sd ≥ outer` (drawing:
/// 0.5, coverage 0; inside `PolylineRows`' span for roads), and inside them a run `full` where
/// `sd < inner` (drawing: −0.5, coverage exactly 1 with zero derivatives, filled without
/// evaluating the distance; counting visible pixels: the visibility level). Sprites and
/// backgrounds: `xs` is the box row, `full` empty.
///
/// The spans are computed in `Double` from the same `Float` geometry as the kernels, with both
/// levels moved by a margin (≥ 0.01 px, growing with the coordinates' magnitude) that exceeds the
/// rounding of the kernels' `Float` distance: a pixel is put in `full` only when its centre's
/// exact `sd` is ≤ `inner − margin`, and left out of `xs` only when it is ≥ `outer + margin`.
/// Per shape (local frame: the pixel centre relative to the centre, rotated back, scale not
/// removed; along a row it moves on a line):
/// - rectangles and strictly convex polygons that wind once: inside, sd is minus the least
///   distance to an edge's line; outside, sd is at least the largest signed distance. So the
///   half-planes of the edges moved by the level give `full` (the outline itself for a level
///   ≥ 0) and `xs`;
/// - ellipses: the first-order distance is `sd = (f − 1)·f/|∇f|` with `f = |(lx/a_x, ly/a_y)|`
///   and `f/|∇f|` in `[a_min, a_max]`, which bounds sd by `f` (a chord of a scaled ellipse);
/// - polylines: sd = d − w (d the distance to the nearest segment, w the half width); the points
///   within `r` of a segment are its strip (projection inside the segment, distance ≤ r) and the
///   discs of radius r at its ends: with r = w + level, the longest merged run of those pieces
///   gives `full`, their hull `xs`;
/// - other polygons (concave, self-intersecting): nothing cut, `full` empty.
/// Tested pixel by pixel against the kernels (ShapeRowsTests).
struct ShapeRows {
    private let polyline: PolylineRows
    private let form: Form
    /// Rotation (the kernels' `Float` cosine and sine) and centre, in `Double`.
    private let c: Double, s: Double, cx: Double, cy: Double
    /// Signed distances: `full` holds pixels with `sd ≤ inner` exactly, `xs` every pixel with
    /// `sd < outer` exactly (the levels moved by the margin), px.
    private let inner: Double, outer: Double
    /// Polylines with an outer level: per segment its outer capsule's interval on the last row
    /// asked for (`LayerKernel.segmentReach`); nil otherwise.
    private let reach: SegmentReach?
    /// `reach`'s buffer, read without retaining the owner per row.
    private let reachPointer: UnsafeMutablePointer<SIMD2<Double>>?

    private enum Form {
        /// Nothing skipped: `xs` is the box row (or the polyline's), `full` empty.
        case none
        /// Inside: `n · p ≤ o` for each plane, unit normals `n`.
        case halfPlanes([HalfPlane])
        /// Semi-axes `a_x`, `a_y`; `full` where `f ≤ inner`, `xs` where `f < outer`.
        case ellipse(ax: Double, ay: Double, inner: Double, outer: Double)
        /// Scaled vertices (local px), the radius `w + inner` of the pieces of `full` and
        /// `w + outer` of those of `xs` (nil: `xs` as `PolylineRows`).
        case polyline([SIMD2<Double>], inner: Double, outer: Double?)
        /// An arc's centreline (local px) and the radii `w + inner`, `w + outer` of the pieces
        /// of `full` and `xs`.
        case arc(ArcRows, inner: Double, outer: Double)
    }

    /// A row line's direction `d = (c, s)` is the same on every row: what depends on it alone is
    /// computed once per layer (the slopes below, and `1 / |d|²`), and the divisions of each
    /// row's clipping by it become multiplications by those reciprocals. Their rounding differs
    /// from a division's by an ulp or so, far inside the levels' margin: the spans move by far
    /// less than the margin, and the values drawn do not change.
    private let inverseDD: Double

    /// A half-plane `n · p ≤ o` and the slope of `n · p` along the row line.
    private struct HalfPlane {
        var n: SIMD2<Double>, o: Double
        var slope: Slope
    }

    /// How a linear function of the row line's X grows with X: `beta` per px, and `1 / beta`
    /// (unused when `beta` is below `flat`).
    private struct Slope {
        var beta: Double, inverse: Double
        init(_ beta: Double) {
            self.beta = beta
            inverse = abs(beta) < Self.flat ? 0 : 1 / beta
        }
        /// Below this magnitude a function is constant along the row (`clip`).
        static let flat = 1e-12
        var negated: Slope { Slope(beta: -beta, inverse: -inverse) }
        private init(beta: Double, inverse: Double) { self.beta = beta; self.inverse = inverse }
    }

    /// Polylines: per segment `i` (vertices `i − 1` → `i`) its unit direction and length, and
    /// how its coordinates along and across it change along the row line; computed once
    /// instead of per row; entry 0 unused.
    private struct SegmentFrame {
        var along: SIMD2<Double>, length: Double
        /// `d · along`, `d · normal` (normal: `along` turned left).
        var alongSlope: Slope, acrossSlope: Slope
    }
    private let segmentFrames: [SegmentFrame]

    /// Spans of `layer` on a `width × height` canvas: `full` where the kernels' signed distance
    /// is below `levels.inner`, `xs` holding every pixel where it is below `levels.outer`
    /// (drawing: −0.5 and 0.5, coverage exactly 1 and above 0). Nil levels: nothing skipped
    /// beyond `PolylineRows`.
    init(_ layer: Layer, width: Int, height: Int, levels: (inner: Double, outer: Double)? = (-0.5, 0.5)) {
        polyline = PolylineRows(layer)
        let g = layer.floatGeometry
        c = Double(g.cosine); s = Double(g.sine); cx = Double(g.cx); cy = Double(g.cy)
        inverseDD = 1 / (c * c + s * s)
        guard let levels, case .shape(let outline) = layer.content,
              [g.cx, g.cy, g.cosine, g.sine, g.sx, g.sy, g.halfWidth].allSatisfy(\.isFinite) else {
            form = .none
            (inner, outer) = (0, 0)
            reach = nil
            reachPointer = nil
            segmentFrames = []
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
        case .arc(let a):
            // The kernel's lengths: about the radius (from the circle's centre), and the ends'
            // coordinates.
            extent = Double(ArcShape(a).radius) + a.length / 2 + Double(max(g.halfWidth, 0))
        default: break
        }
        // The kernels' Float rounding is a few ulps of the coordinates' magnitude: 1e-4 of it is
        // ample, and 0.01 px covers small coordinates.
        let magnitude = abs(cx) + abs(cy) + Double(width + height) + extent
        let margin = 0.01 + 1e-4 * magnitude
        (inner, outer) = (levels.inner - margin, levels.outer + margin)
        switch outline {
        case .rectangle:
            form = .halfPlanes(Self.halfPlanes([SIMD3(1, 0, sx / 2), SIMD3(-1, 0, sx / 2), SIMD3(0, 1, sy / 2), SIMD3(0, -1, sy / 2)],
                                               c: c, s: s))
        case .ellipse:
            // With f = |(lx/a_x, ly/a_y)| and f/|∇f| in [a_min, a_max]: sd = (f − 1)·f/|∇f|.
            let ax = sx / 2, ay = sy / 2, minor = min(ax, ay), major = max(ax, ay)
            form = minor > 0 ? .ellipse(ax: ax, ay: ay, inner: 1 + inner / (inner < 0 ? minor : major),
                                        outer: 1 + outer / (outer > 0 ? minor : major)) : .none
        case .polygon:
            form = Self.convexHalfPlanes(vertices).map { [c, s] in .halfPlanes(Self.halfPlanes($0, c: c, s: s)) } ?? .none
        case .polyline:
            // `xs` from the pieces only while they stay within `PolylineRows`' reach (w + 1.5).
            let w = Double(g.halfWidth)
            form = .polyline(vertices, inner: w + inner, outer: outer <= 1.5 ? w + outer : nil)
        case .arc(let a):
            let w = Double(g.halfWidth)
            form = .arc(ArcRows(ArcShape(a)), inner: w + inner, outer: w + outer)
        }
        if case .polyline(let v, _, .some) = form { reach = SegmentReach(count: v.count) } else { reach = nil }
        reachPointer = reach?.pointer
        if case .polyline(let v, _, _) = form {
            let d = SIMD2(c, s)
            segmentFrames = v.indices.map { i in
                guard i > 0 else { return SegmentFrame(along: .zero, length: 0, alongSlope: Slope(0), acrossSlope: Slope(0)) }
                let e = v[i] - v[i - 1]
                let length = (e * e).sum().squareRoot()
                let along = e / length, normal = SIMD2(-along.y, along.x)
                return SegmentFrame(along: along, length: length, alongSlope: Slope((d * along).sum()), acrossSlope: Slope((d * normal).sum()))
            }
        } else {
            segmentFrames = []
        }
    }

    /// Planes `(n.x, n.y, o)` with their slopes along the row direction `(c, s)`.
    private static func halfPlanes(_ planes: [SIMD3<Double>], c: Double, s: Double) -> [HalfPlane] {
        planes.map { plane in
            let n = SIMD2(plane.x, plane.y)
            return HalfPlane(n: n, o: plane.z, slope: Slope((n * SIMD2(c, s)).sum()))
        }
    }

    /// One row's per-segment intervals (see `reach`), owned by the `ShapeRows`.
    final class SegmentReach {
        let pointer: UnsafeMutablePointer<SIMD2<Double>>
        init(count: Int) {
            pointer = .allocate(capacity: max(count, 1))
            pointer.initialize(repeating: SIMD2(-.infinity, .infinity), count: max(count, 1))
        }
        deinit { pointer.deallocate() }
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

    /// A superset of row `y`'s `xs` (inside `box`) found without the spans: `PolylineRows`' span
    /// for polylines, the box row otherwise. Cheap next to `row`.
    @inline(__always) func coarse(_ y: Int, box: PixelBox, kernel: LayerKernel) -> Range<Int> {
        polyline.row(y, box: box, kernel: kernel).xs
    }

    /// The pixels `xs` of row `y` (inside `box`) that may be covered, the run `full` inside `xs`
    /// whose coverage is exactly 1 (possibly empty), and `kernel` with a polyline's vertices
    /// narrowed as `PolylineRows.row` narrows them.
    @inline(never) func row(_ y: Int, box: PixelBox, kernel: LayerKernel) -> (xs: Range<Int>, full: Range<Int>, kernel: LayerKernel) {
        let (xs, narrowed) = polyline.row(y, box: box, kernel: kernel)
        if case .none = form { return (xs, xs.lowerBound..<xs.lowerBound, narrowed) }
        // The row's pixel centres X in the local frame: p(X) = p0 + X · d.
        let dy = Double(y) + 0.5 - cy
        let d = SIMD2(c, s), p0 = SIMD2(-c * cx - s * dy, -s * cx + c * dy)
        var outerSpan = (lo: -Double.infinity, hi: Double.infinity), innerSpan = outerSpan
        switch form {
        case .none: break
        case .halfPlanes(let planes):
            // Inside a convex outline sd = −(least distance to an edge's line); outside, sd is at
            // least the largest signed one. So sd ≤ inner where every line is ≥ −inner away
            // inside (inner ≥ 0: the outline itself), and sd < outer only where all are < outer.
            for plane in planes {
                let alpha = (plane.n * p0).sum()
                outerSpan = Self.clip(outerSpan, alpha, plane.slope, plane.o + outer)
                innerSpan = Self.clip(innerSpan, alpha, plane.slope, plane.o + min(inner, 0))
            }
        case .ellipse(let ax, let ay, let innerF, let outerF):
            let axes = SIMD2(ax, ay)
            outerSpan = outerF > 0 ? Self.ellipseChord(p0 / axes, d / axes, outerF) : (1, 0)
            innerSpan = innerF > 0 ? Self.ellipseChord(p0 / axes, d / axes, innerF) : (1, 0)
        case .polyline(let vertices, let innerRadius, let outerRadius):
            let runs = Self.strokeRuns(vertices, frames: segmentFrames, inner: innerRadius, outer: outerRadius, p0: p0, d: d,
                                       inverseDD: inverseDD, segments: narrowed.vertices, all: kernel.vertices, reach: reachPointer)
            innerSpan = runs.longest
            if outerRadius != nil { outerSpan = runs.hull }
            if let reachPointer, let base = kernel.vertices.baseAddress, let start = narrowed.vertices.baseAddress {
                var withReach = narrowed
                withReach.segmentReach = UnsafePointer(reachPointer + (start - base))
                let touched = pixelCentres(outerSpan, within: xs)
                let full = pixelCentres(innerSpan, within: touched)
                return (touched, full.isEmpty ? touched.lowerBound..<touched.lowerBound : full, withReach)
            }
        case .arc(let arc, let innerRadius, let outerRadius):
            (outerSpan, innerSpan) = Self.arcSpans(arc, inner: innerRadius, outer: outerRadius, p0: p0, d: d, inverseDD: inverseDD,
                                                   over: xs)
        }
        let touched = pixelCentres(outerSpan, within: xs)
        let full = pixelCentres(innerSpan, within: touched)
        return (touched, full.isEmpty ? touched.lowerBound..<touched.lowerBound : full, narrowed)
    }

    /// An arc's spans on the row line `p0 + X·d`: the hull of the outer pieces over the row's
    /// pixels `xs` (an arc's two arms may cross a row on both sides of the canvas: the gap between
    /// them is not taken), and the inner piece longest over them. Not inlined: the row loops that
    /// call `row` stay small enough for their own helpers to be inlined.
    @inline(never) private static func arcSpans(_ arc: ArcRows, inner: Double, outer: Double, p0: SIMD2<Double>, d: SIMD2<Double>,
                                               inverseDD: Double, over xs: Range<Int>) -> (hull: (lo: Double, hi: Double), longest: (lo: Double, hi: Double)) {
        let (first, last) = (Double(xs.lowerBound), Double(xs.upperBound))
        var hull = (lo: 1.0, hi: 0.0), longest = hull, longestLength = 0.0
        let line = arc.line(p0: p0, d: d, inverseDD: inverseDD)
        ArcRows.union(arc.pieces(line, radius: outer)) { run in
            guard run.hi >= first, run.lo <= last else { return }
            hull = hull.lo <= hull.hi ? (hull.lo, run.hi) : run
        }
        ArcRows.union(arc.pieces(line, radius: inner)) { run in
            let length = min(run.hi, last) - max(run.lo, first)
            if length > longestLength { (longest, longestLength) = (run, length) }
        }
        return (hull, longest)
    }

    /// `interval` ∩ {X : alpha + slope.beta·X ≤ t}.
    @inline(__always) private static func clip(_ interval: (lo: Double, hi: Double), _ alpha: Double, _ slope: Slope,
                                               _ t: Double) -> (lo: Double, hi: Double) {
        if abs(slope.beta) < Slope.flat { return alpha <= t ? interval : (1, 0) }
        let x = (t - alpha) * slope.inverse
        return slope.beta > 0 ? (interval.lo, min(interval.hi, x)) : (max(interval.lo, x), interval.hi)
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

    /// `hull` grown to hold `piece` (an empty piece, lo > hi, leaves it).
    @inline(__always) private static func widen(_ hull: inout (lo: Double, hi: Double), _ piece: (lo: Double, hi: Double)) {
        if piece.lo <= piece.hi { hull = hull.lo <= hull.hi ? (min(hull.lo, piece.lo), max(hull.hi, piece.hi)) : piece }
    }

    /// Within `inner` and `outer` of a polyline's `segments` (a slice of `all`, both over the
    /// unscaled vertices; the scaled ones are `vertices`, same indices) lie the strips (projection
    /// inside a segment, distance ≤ r) and the discs of radius r at the vertices. Returns the
    /// longest run of the union of the pieces of radius `inner` and the hull of those of radius
    /// `outer` (nil: not wanted), on the row line `p0 + X·d` (`inverseDD`: 1 / |d|², infinite
    /// for a degenerate direction).
    @inline(__always) private static func strokeRuns(_ vertices: [SIMD2<Double>], frames: [SegmentFrame], inner: Double, outer: Double?,
                                                     p0: SIMD2<Double>, d: SIMD2<Double>, inverseDD: Double,
                                                     segments: UnsafeBufferPointer<SIMD2<Float>>, all: UnsafeBufferPointer<SIMD2<Float>>,
                                                     reach: UnsafeMutablePointer<SIMD2<Double>>?)
        -> (longest: (lo: Double, hi: Double), hull: (lo: Double, hi: Double)) {
        let empty = (lo: 1.0, hi: 0.0)
        guard let base = all.baseAddress, let start = segments.baseAddress, segments.count >= 2 else { return (empty, empty) }
        let first = start - base, last = first + segments.count - 1
        // Until written below: every segment searched.
        if let reach { for i in first...last { reach[i] = SIMD2(-.infinity, .infinity) } }
        guard inverseDD.isFinite else { return (empty, empty) }
        // `hull` lives inside the closure and is widened through a static function: a variable
        // captured from outside was boxed on the heap per call (an allocation per row).
        return withUnsafeTemporaryAllocation(of: (lo: Double, hi: Double).self, capacity: 2 * segments.count) { pieces in
            var hull = empty
            var count = 0
            // The outer disc chord at the previous vertex, and the outer capsule of the current
            // segment (its strip and both discs: convex, so one interval on the row): `reach`.
            var previousDisc = empty, capsule = empty
            defer { if let reach, last > first { reach[last] = SIMD2(capsule.lo, capsule.hi) } }
            for i in first...last {
                // The disc at vertex i: the chord around the line's nearest point to it.
                let q = p0 - vertices[i]
                let t = -(q * d).sum() * inverseDD
                let nearest = q + t * d, distance2 = (nearest * nearest).sum()
                if inner > 0, inner * inner >= distance2 {
                    let half = ((inner * inner - distance2) * inverseDD).squareRoot()
                    pieces[count] = (t - half, t + half); count += 1
                }
                var disc = empty
                if let outer, outer > 0, outer * outer >= distance2 {
                    let half = ((outer * outer - distance2) * inverseDD).squareRoot()
                    disc = (t - half, t + half)
                    widen(&hull, disc)
                }
                if reach != nil {
                    // The finished capsule of segment i − 1 (all its pieces seen), then segment i's.
                    if i > first &+ 1 { reach![i &- 1] = SIMD2(capsule.lo, capsule.hi) }
                    capsule = previousDisc
                    widen(&capsule, disc)
                    previousDisc = disc
                }
                guard i > first else { continue }
                // The strip of segment i − 1 → i: 0 ≤ u ≤ length, |w| ≤ r in the segment's frame.
                let a = vertices[i - 1], frame = frames[i]
                let length = frame.length
                guard length > 1e-9 else { continue }
                let along = frame.along, normal = SIMD2(-along.y, along.x)
                let qa = p0 - a
                let u0 = (qa * along).sum(), du = frame.alongSlope
                let w0 = (qa * normal).sum(), dw = frame.acrossSlope
                var span = (lo: -Double.infinity, hi: Double.infinity)
                span = clip(span, -u0, du.negated, 0)  // u ≥ 0
                span = clip(span, u0, du, length)  // u ≤ length
                guard span.lo <= span.hi else { continue }
                if inner > 0 {
                    let strip = clip(clip(span, w0, dw, inner), -w0, dw.negated, inner)
                    if strip.lo <= strip.hi { pieces[count] = strip; count += 1 }
                }
                if let outer, outer > 0 {
                    let strip = clip(clip(span, w0, dw, outer), -w0, dw.negated, outer)
                    widen(&hull, strip)
                    if reach != nil { widen(&capsule, strip) }
                }
            }
            guard count > 0 else { return (empty, hull) }
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
            return (best, hull)
        }
    }
}

/// The pixels `x` of `range` whose centres `x + 0.5` lie in the closed interval (empty when
/// `lo > hi` or either is NaN): ⌈lo − 0.5⌉ ..< ⌊hi − 0.5⌋ + 1, clamped to the range. Clamped
/// before rounding (the bounds are integers: the same integers) and rounded by truncation, with
/// no call to `ceil` or `floor` (the baseline x86-64 target has no rounding instruction, and a
/// call spills a row loop's registers); the two ends independently (neither waits on the
/// other's conversions), the range empty when the last centre falls before the first. Shape
/// spans (`ShapeRows`) and stroke counts (`StrokeRowCount`).
@inline(__always) func pixelCentres(_ interval: (lo: Double, hi: Double), within range: Range<Int>) -> Range<Int> {
    guard interval.lo <= interval.hi else { return range.lowerBound..<range.lowerBound }
    let first = Double(range.lowerBound), end = Double(range.upperBound)
    let l = min(max(interval.lo - 0.5, first), end)
    let h = min(max(interval.hi - 0.5, first - 1), end - 1)
    var lo = Int(l), last = Int(h)
    if Double(lo) < l { lo &+= 1 }
    if Double(last) > h { last &-= 1 }
    return lo..<max(lo, last &+ 1)
}
