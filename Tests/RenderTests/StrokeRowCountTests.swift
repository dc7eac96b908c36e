import XCTest
@testable import Render

/// The closed-form count of a road's visible pixels beyond the canvas (`StrokeRowCount`, through
/// `Compositor.countStrokeOutside`) against the renderer's per-pixel test (`layerAlpha` in
/// `Float`, `opacity · A ≥ threshold`) at every pixel of the road's support box off the canvas:
/// arcs drawn exactly (`ShapeOutline.arc`) and as polylines, mostly off the canvas, and zig-zag
/// polylines with short segments, sharp turns and near-vertical and near-horizontal segments,
/// rotated and scaled. The two agree except where a
/// pixel centre lies within `Float` rounding of the stroke's edge: the count may differ from the
/// per-pixel one by at most the pixels whose distance to the polyline (in `Double`) is within
/// 10⁻³ px of the visibility radius, and such pixels must be rare.
final class StrokeRowCountTests: XCTestCase {
    func testClosedFormCountEqualsThePerPixelTest() {
        var rng = TestRandom(state: 77)
        let (width, height) = (40, 36)
        var counted = 0, ambiguousTotal = 0, compared = 0
        for trial in 0..<80 {
            var vertices: [SIMD2<Float>] = []
            var arc: RoadArc? = nil
            if trial % 4 == 2 {
                // Drawn as an arc (at most a half turn).
                arc = RoadArc(length: rng.uniform(40, 300), curvature: rng.uniform(0.003, 0.01) * (rng.unit() < 0.5 ? 1 : -1))
            } else if trial % 2 == 0 {
                vertices = RoadArc(length: rng.uniform(40, 300), curvature: rng.uniform(-0.05, 0.05)).vertices
            } else {
                var p = SIMD2<Float>(0, 0)
                vertices = (0..<Int(rng.uniform(2, 12))).map { _ in
                    p += SIMD2(Float(rng.uniform(-14, 14)), Float(rng.uniform(-14, 14))) * (rng.unit() < 0.5 ? 1 : 0.05)
                    return p
                }
            }
            var p = SIMD16<Float>.zero
            p[LayerParameter.centreX.rawValue] = Float(rng.uniform(-20, Double(width + 20)))
            p[LayerParameter.centreY.rawValue] = Float(rng.uniform(-20, Double(height + 20)))
            p[LayerParameter.rotation.rawValue] = trial % 5 == 0 ? 0 : Float(rng.uniform(-3.2, 3.2))
            p[LayerParameter.scaleX.rawValue] = Float(rng.uniform(0.7, 1.3))
            p[LayerParameter.scaleY.rawValue] = Float(rng.uniform(0.7, 1.3))
            p[LayerParameter.halfWidth.rawValue] = Float(rng.uniform(0.2, 12))
            p[LayerParameter.opacity.rawValue] = Float(rng.uniform(0.2, 1))
            if arc != nil { p[LayerParameter.scaleX.rawValue] = 1; p[LayerParameter.scaleY.rawValue] = 1 }
            let layer = Layer(content: .shape(arc.map { .arc($0) } ?? .polyline(vertices)), node: 1, className: "road",
                              parameters: p, blend: .over, links: [])
            let threshold = Float(rng.uniform(0.1, 0.9))
            let compositor = Compositor(width: width, height: height, channels: 1, visibilityThreshold: threshold)
            let support = layer.supportBox(width: width, height: height)
            let inside = support.clipped(width: width, height: height)
            guard let closedForm = compositor.countStrokeOutside(layer, support: support, inside: inside) else {
                XCTFail("trial \(trial): no closed form for a finite road")
                continue
            }
            // The per-pixel test, and the pixels within 1e-3 px of the edge (distance in Double).
            let g = layer.floatGeometry, opacity = layer[.opacity]
            let radius = Double(g.halfWidth) + 0.5 - Double(threshold) / Double(opacity)
            let screen = vertices.map { v -> SIMD2<Double> in
                let lx = Double(g.sx) * Double(v.x), ly = Double(g.sy) * Double(v.y)
                return SIMD2(Double(g.cx) + Double(g.cosine) * lx + Double(g.sine) * ly, Double(g.cy) - Double(g.sine) * lx + Double(g.cosine) * ly)
            }
            var perPixel = 0, ambiguous = 0
            withKernel(layer) { kernel in
                for y in support.y0..<support.y1 {
                    for x in support.x0..<support.x1 where !(y >= inside.y0 && y < inside.y1 && x >= inside.x0 && x < inside.x1) {
                        let A: Float = layerAlpha(kernel, g, X: Float(x) + 0.5, Y: Float(y) + 0.5)
                        if opacity * A >= threshold { perPixel += 1 }
                        let c = SIMD2(Double(x) + 0.5, Double(y) + 0.5)
                        var d = Double.infinity
                        if let arc {
                            let (dx, dy) = (c.x - Double(g.cx), c.y - Double(g.cy))
                            let local = SIMD2(Double(g.cosine) * dx - Double(g.sine) * dy, Double(g.sine) * dx + Double(g.cosine) * dy)
                            d = exactArcDistance(local, arc)
                        }
                        for i in screen.indices.dropFirst() { d = min(d, Self.distance(c, screen[i - 1], screen[i])) }
                        if abs(d - radius) < 1e-3 { ambiguous += 1 }
                    }
                }
            }
            XCTAssertLessThanOrEqual(abs(closedForm - perPixel), ambiguous,
                                     "trial \(trial): closed form \(closedForm), per pixel \(perPixel), \(ambiguous) pixels on the edge")
            counted += perPixel
            ambiguousTotal += ambiguous
            compared += 1
        }
        XCTAssertEqual(compared, 80)
        XCTAssertGreaterThan(counted, 5_000, "the roads should reach well beyond the canvas")
        XCTAssertLessThan(Double(ambiguousTotal), 0.001 * Double(counted), "pixels within rounding of an edge should be rare")
    }

    /// Euclidean distance from `p` to segment `a b`.
    static func distance(_ p: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let d = b - a, length2 = (d * d).sum()
        let t = length2 > 0 ? min(max(((p - a) * d).sum() / length2, 0), 1) : 0
        let q = a + t * d - p
        return (q * q).sum().squareRoot()
    }

    /// A road with a coordinate too large for `Int` keeps to the rows of its support box (no
    /// overflow), and a radius below zero (opacity times full coverage under the threshold) counts nothing.
    func testFarVerticesAndInvisibleRoads() throws {
        let stroke = try XCTUnwrap(StrokeRowCount(points: [SIMD2(-1e30, 5), SIMD2(1e30, 5)], radius: 2, rows: 0..<10))
        XCTAssertEqual(stroke.count(row: 5, columns: 0..<40, excluding: 10..<20), 30)
        XCTAssertEqual(stroke.count(row: 0, columns: 0..<40, excluding: 0..<0), 0)
        XCTAssertNil(StrokeRowCount(points: [SIMD2(.nan, 5), SIMD2(1, 5)], radius: 2, rows: 0..<10))
        var p = SIMD16<Float>.zero
        p[LayerParameter.scaleX.rawValue] = 1; p[LayerParameter.scaleY.rawValue] = 1
        p[LayerParameter.halfWidth.rawValue] = 0.1; p[LayerParameter.opacity.rawValue] = 1
        let layer = Layer(content: .shape(.polyline([SIMD2(-50, 3), SIMD2(90, 3)])), node: 1, className: "road", parameters: p,
                          blend: .over, links: [])
        // Radius 0.1 + 0.5 − 0.9 < 0: no centre is visible.
        let compositor = Compositor(width: 40, height: 10, channels: 1, visibilityThreshold: 0.9)
        let support = layer.supportBox(width: 40, height: 10)
        XCTAssertEqual(compositor.countStrokeOutside(layer, support: support, inside: support.clipped(width: 40, height: 10)), 0)
    }
}
