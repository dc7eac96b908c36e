import Foundation

/// Arc roads drawn from their exact distance (`ShapeOutline.arc`) instead of a polyline of
/// short chords: a pixel's coverage costs one distance whatever the road's curve, and a row's
/// spans and counts four intervals (`ArcRows`), where a polyline's cost grew with the segments
/// near the row (a curved 300 px road had 18). The outline is also truer: a chord of the
/// polyline strayed up to `ℓ·θ/8` from the arc (ℓ a segment's length, θ its turn: 0.2 px at a
/// 167 px radius, 3.7 px for a single 300 px chord turning 0.1 rad).
extension RoadArc {
    /// Largest radius (px) drawn as an arc: a pixel's distance is the difference of two `Float`
    /// lengths of about the radius, whose rounding (an ulp of 65,536 is 0.004 px) stays far
    /// below a pixel up to here.
    static let largestArcRadius = 65_536.0

    /// What the compositor draws: the arc itself when it curves (radius up to
    /// `largestArcRadius`) by at most a half turn (its wedge, seen from the circle's centre, is
    /// then convex: `ArcRows`); else the polyline `vertices` (one segment for a straight road).
    public var drawnOutline: ShapeOutline {
        let turn = abs(curvature) * length
        if curvature != 0, 1 / abs(curvature) <= Self.largestArcRadius, turn <= .pi { return .arc(self) }
        return .polyline(vertices)
    }
}

/// An arc road's centreline for the pixel kernels (`arcDistance`), in `Float`, in the layer's
/// local frame (px, relative to its centre, before its rotation): the circle's centre
/// `(0, centreY)` with `centreY = −1/κ` and its `radius` 1/|κ|; the arc's middle (the origin)
/// lies at `side · (0, radius)` from the centre (`side` = sign κ), and a point `q` from the
/// centre is in the arc's wedge when `side · q.y ≥ |q| · cosHalfSweep` (half sweep |κ|·length/2);
/// `end0`, `end1`: the arc's ends (arc length ∓length/2).
struct ArcShape {
    var centreY: Float, radius: Float, side: Float, cosHalfSweep: Float
    var end0: SIMD2<Float>, end1: SIMD2<Float>

    /// Placeholder values for kernels of other shapes.
    static let none = ArcShape(centreY: 0, radius: 0, side: 1, cosHalfSweep: 1, end0: .zero, end1: .zero)

    private init(centreY: Float, radius: Float, side: Float, cosHalfSweep: Float, end0: SIMD2<Float>, end1: SIMD2<Float>) {
        (self.centreY, self.radius, self.side, self.cosHalfSweep, self.end0, self.end1) = (centreY, radius, side, cosHalfSweep, end0, end1)
    }

    init(_ arc: RoadArc) {
        centreY = Float(-1 / arc.curvature)
        radius = Float(1 / abs(arc.curvature))
        side = arc.curvature > 0 ? 1 : -1
        cosHalfSweep = Float(cos(abs(arc.curvature) * arc.length / 2))
        let a = arc.centreline(at: -arc.length / 2), b = arc.centreline(at: arc.length / 2)
        end0 = SIMD2(Float(a.x), Float(a.y))
        end1 = SIMD2(Float(b.x), Float(b.y))
    }

    /// Local bounding box `(minX, maxX, minY, maxY)` of the centreline: its ends and the
    /// circle's extreme points that lie in the wedge.
    var extent: (Float, Float, Float, Float) {
        var lo = pointwiseMin(end0, end1), hi = pointwiseMax(end0, end1)
        let centre = SIMD2<Float>(0, centreY)
        for direction in [SIMD2<Float>(1, 0), SIMD2(-1, 0), SIMD2(0, 1), SIMD2(0, -1)] where side * direction.y >= cosHalfSweep {
            let p = centre + radius * direction
            lo = pointwiseMin(lo, p)
            hi = pointwiseMax(hi, p)
        }
        return (lo.x, hi.x, lo.y, hi.y)
    }
}

/// An arc road's centreline in `Double` for row spans (`ShapeRows`, local frame) and counts
/// beyond the canvas (`Compositor.countStrokeOutside`, canvas frame), from the kernels' `Float`
/// values (`ArcShape`): where a row line meets the points within a radius ρ of the arc. Those
/// points are the annulus `R − ρ ≤ |q| ≤ R + ρ` (q from the circle's centre) inside the arc's
/// wedge, and the discs of radius ρ at the ends; with a half sweep of at most π/2 the wedge is
/// the intersection of two half-planes `n · q ≥ 0`. On a line that is at most four intervals.
struct ArcRows {
    var centre: SIMD2<Double>, radius: Double
    /// The wedge's inward normals.
    var normal0: SIMD2<Double>, normal1: SIMD2<Double>
    var end0: SIMD2<Double>, end1: SIMD2<Double>

    /// An interval of the line's parameter X; empty when `lo > hi`.
    typealias Interval = (lo: Double, hi: Double)
    static let empty: Interval = (1, 0)

    /// `arc` in its local frame.
    init(_ arc: ArcShape) {
        centre = SIMD2(0, Double(arc.centreY))
        radius = Double(arc.radius)
        let c = Double(arc.cosHalfSweep), s = (max(0, 1 - c * c)).squareRoot(), side = Double(arc.side)
        normal0 = SIMD2(side * c, side * s)
        normal1 = SIMD2(-side * c, side * s)
        end0 = SIMD2(Double(arc.end0.x), Double(arc.end0.y))
        end1 = SIMD2(Double(arc.end1.x), Double(arc.end1.y))
    }

    /// The same arc with its points mapped by `point` and its directions by `vector` (a rigid
    /// motion: from the local frame to the canvas).
    func mapped(point: (SIMD2<Double>) -> SIMD2<Double>, vector: (SIMD2<Double>) -> SIMD2<Double>) -> ArcRows {
        var out = self
        out.centre = point(centre)
        out.normal0 = vector(normal0)
        out.normal1 = vector(normal1)
        out.end0 = point(end0)
        out.end1 = point(end1)
        return out
    }

    /// What every radius's pieces on the line `p0 + X·d` (`inverseDD` = 1 / |d|²) share: per
    /// circle (the arc's and the ends'), the line's nearest point to its centre (parameter and
    /// squared distance), and the line's part in the wedge.
    struct Line {
        var inverseDD: Double
        var centre: (t: Double, distance2: Double), end0: (t: Double, distance2: Double), end1: (t: Double, distance2: Double)
        var wedge: Interval
    }

    @inline(__always) func line(p0: SIMD2<Double>, d: SIMD2<Double>, inverseDD: Double) -> Line {
        @inline(__always) func nearest(_ q0: SIMD2<Double>) -> (t: Double, distance2: Double) {
            let t = -(q0 * d).sum() * inverseDD
            let n = q0 + t * d
            return (t, (n * n).sum())
        }
        let q0 = p0 - centre
        let wedge = Self.halfPlane(Self.halfPlane((-.infinity, .infinity), normal0, q0, d), normal1, q0, d)
        return Line(inverseDD: inverseDD, centre: nearest(q0), end0: nearest(p0 - end0), end1: nearest(p0 - end1), wedge: wedge)
    }

    /// The points within `rho` of the arc on `line`, as four intervals of X (some empty): the
    /// annulus's two pieces cut by the wedge, and the end discs' chords. Nothing for a negative
    /// `rho`.
    @inline(__always) func pieces(_ line: Line, radius rho: Double) -> (Interval, Interval, Interval, Interval) {
        guard rho >= 0 else { return (Self.empty, Self.empty, Self.empty, Self.empty) }
        let outer = Self.chord(line.centre, line.inverseDD, radius + rho)
        var a = outer, b = Self.empty
        if radius - rho > 0 {
            let hole = Self.chord(line.centre, line.inverseDD, radius - rho)
            if hole.lo <= hole.hi {
                a = (outer.lo, min(outer.hi, hole.lo))
                b = (max(outer.lo, hole.hi), outer.hi)
            }
        }
        return (Self.intersection(a, line.wedge), Self.intersection(b, line.wedge),
                Self.chord(line.end0, line.inverseDD, rho), Self.chord(line.end1, line.inverseDD, rho))
    }

    @inline(__always) private static func intersection(_ a: Interval, _ b: Interval) -> Interval {
        guard a.lo <= a.hi, b.lo <= b.hi else { return empty }
        return (max(a.lo, b.lo), min(a.hi, b.hi))
    }

    /// `interval` ∩ {X : n · (q0 + X·d) ≥ 0}.
    @inline(__always) private static func halfPlane(_ interval: Interval, _ n: SIMD2<Double>, _ q0: SIMD2<Double>,
                                                    _ d: SIMD2<Double>) -> Interval {
        guard interval.lo <= interval.hi else { return empty }
        let alpha = (n * q0).sum(), beta = (n * d).sum()
        if abs(beta) < 1e-12 { return alpha >= 0 ? interval : empty }
        let x = -alpha / beta
        return beta > 0 ? (max(interval.lo, x), interval.hi) : (interval.lo, min(interval.hi, x))
    }

    /// The X within `r` of a circle's centre whose nearest point on the line is `nearest`:
    /// solved around that point (no large terms cancel).
    @inline(__always) private static func chord(_ nearest: (t: Double, distance2: Double), _ inverseDD: Double, _ r: Double) -> Interval {
        let rest = r * r - nearest.distance2
        guard r >= 0, rest >= 0 else { return empty }
        let half = (rest * inverseDD).squareRoot()
        return (nearest.t - half, nearest.t + half)
    }

    /// The four pieces sorted by start and merged: the union's runs, in order, to `body`.
    @inline(__always) static func union(_ p: (Interval, Interval, Interval, Interval), _ body: (Interval) -> Void) {
        if !(p.2.lo <= p.2.hi) && !(p.3.lo <= p.3.hi) {
            // No end disc (most rows): the annulus's pieces are in order already (the first ends
            // where the hole starts, the second starts where it ends).
            let (a, b) = (p.0, p.1), hasA = a.lo <= a.hi, hasB = b.lo <= b.hi
            if hasA && hasB && b.lo <= a.hi { return body((a.lo, max(a.hi, b.hi))) }
            if hasA { body(a) }
            if hasB { body(b) }
            return
        }
        withUnsafeTemporaryAllocation(of: Interval.self, capacity: 4) { pieces in
            // Insertion by start, empty pieces dropped.
            var n = 0
            for i in 0..<4 {
                let piece = i == 0 ? p.0 : i == 1 ? p.1 : i == 2 ? p.2 : p.3
                guard piece.lo <= piece.hi else { continue }
                var k = n
                while k > 0 && pieces[k - 1].lo > piece.lo { pieces[k] = pieces[k - 1]; k -= 1 }
                pieces[k] = piece
                n += 1
            }
            guard n > 0 else { return }
            var run = pieces[0]
            for i in 1..<n {
                if pieces[i].lo <= run.hi { run.hi = max(run.hi, pieces[i].hi) } else { body(run); run = pieces[i] }
            }
            body(run)
        }
    }
}
