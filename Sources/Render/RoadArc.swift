import Foundation

/// A road given by its length and curvature instead of `points`: a circular arc (a straight
/// segment when the curvature is 0) centred on the node's `loc_x`, `loc_y`, heading along `yaw`.
///
/// Local frame (before the layer's rotation, relative to its centre; screen pixels, y down):
/// arc length `s` runs over `[-length/2, length/2]`, the heading at `s` is `φ = curvature · s`
/// radians counter-clockwise on screen, the unit tangent is `t = (cos φ, −sin φ)` and the left
/// normal (90° counter-clockwise from the tangent) is `n = (−sin φ, −cos φ)`. A positive
/// curvature bends the road to its left. Children placed in this frame (`frame: parent`) use
/// `point(along:offset:)`.
public struct RoadArc: PlacementCurve, Equatable, Sendable {
    /// Total arc length, px (> 0).
    public var length: Double
    /// 1 / radius, per px, signed (positive: turns left). 0: straight.
    public var curvature: Double

    /// An arc of `length` px and signed `curvature` per px, unchecked.
    public init(length: Double, curvature: Double) {
        self.length = length
        self.curvature = curvature
    }

    /// Largest heading change between two vertices of the drawn polyline (radians): keeps the
    /// chord within ~0.2 px of the arc for radii up to ~160 px.
    static let maxTurnPerSegment = 0.1
    /// Upper bound on the drawn polyline's segments (cost per pixel grows with it).
    static let maxSegments = 64

    /// Heading φ at arc length `s`, radians counter-clockwise.
    public func heading(at s: Double) -> Double { curvature * s }

    /// The curvature, whatever `s`.
    public func headingRate(at s: Double) -> Double { curvature }

    /// The centreline point at arc length `s` (local frame).
    func centreline(at s: Double) -> SIMD2<Double> {
        let phi = curvature * s
        if abs(phi) < 1e-6 {
            // sin(κs)/κ and (cos(κs) − 1)/κ by their series: exact to float precision here.
            return SIMD2(s - curvature * curvature * s * s * s / 6, -curvature * s * s / 2)
        }
        return SIMD2(sin(phi) / curvature, (cos(phi) - 1) / curvature)
    }

    func tangent(at s: Double) -> SIMD2<Double> {
        let phi = curvature * s
        return SIMD2(cos(phi), -sin(phi))
    }

    func normal(at s: Double) -> SIMD2<Double> {
        let phi = curvature * s
        return SIMD2(-sin(phi), -cos(phi))
    }

    /// The point `offset` px left of the centreline at arc length `along`, with its partial
    /// derivatives: `∂/∂along = (1 − κ·offset)·t` (the offset curve's speed), `∂/∂offset = n`.
    /// Valid for any `along`, also beyond the drawn ends (the arc continues).
    public func point(along s: Double, offset o: Double) -> (point: SIMD2<Double>, dAlong: SIMD2<Double>, dOffset: SIMD2<Double>) {
        let n = normal(at: s)
        return (centreline(at: s) + o * n, (1 - curvature * o) * tangent(at: s), n)
    }

    /// Vertices of a polyline along the arc (local frame): one segment when straight, else enough
    /// that no segment turns more than `maxTurnPerSegment`. Drawn for straight roads and arcs
    /// `drawnOutline` does not draw exactly; the outline of every arc for `avoid` and
    /// `PlacedObject.centreline`.
    var vertices: [SIMD2<Float>] {
        let turn = abs(curvature * length)
        let segments = max(1, min(Self.maxSegments, Int((turn / Self.maxTurnPerSegment).rounded(.up))))
        return (0...segments).map { i in
            let s = -length / 2 + length * Double(i) / Double(segments)
            let p = centreline(at: s)
            return SIMD2(Float(p.x), Float(p.y))
        }
    }
}

/// `shape: road`: a polyline given by `points` (like `polyline`), or, with `length` (px, > 0)
/// and optional `curvature` (1/px) instead, an arc road (`RoadArc`) centred on `loc_x`, `loc_y`
/// (default: the canvas centre) that offers its children the frame `parent`. Scale and size
/// attributes are errors on arc roads (their size is their length and width).
struct RoadShape: ShapeKind {
    var names: [String] { ["road"] }

    func compile(_ r: AttributeReader) throws -> ShapeDrawing {
        guard r.value(.points) == nil, let length = try r.number(.length) else {
            return ShapeDrawing(outline: .polyline(try r.points("points", minimum: 2)), sizing: .scaleOnly, defaultCentre: .canvasOrigin)
        }
        guard length > 0 else { throw r.error("length", "must be > 0 pixels, got \(length)") }
        for name in [AttributeName.scale, .scaleX, .scaleY, .size, .sizeX, .sizeY] where r.value(name) != nil {
            throw r.error(name.string, "has no meaning for a road given by length and curvature; change length or width")
        }
        let arc = RoadArc(length: length, curvature: try r.number(.curvature) ?? 0)
        return ShapeDrawing(outline: arc.drawnOutline, sizing: .scaleOnly, childFrame: arc)
    }
}

/// Rotation of local vectors into screen coordinates by `angle` radians counter-clockwise on
/// screen (y down): the same convention as the compositor's layers. The cosine and sine are
/// taken once, for every vector rotated.
struct ScreenRotation {
    let cosine: Double, sine: Double

    init(_ angle: Double) {
        cosine = cos(angle)
        sine = sin(angle)
    }

    /// `v` rotated.
    @inline(__always) func apply(_ v: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2(cosine * v.x + sine * v.y, -sine * v.x + cosine * v.y)
    }

    /// `∂ apply(v) / ∂ angle`.
    @inline(__always) func derivative(_ v: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2(-sine * v.x + cosine * v.y, -cosine * v.x - sine * v.y)
    }
}
