import XCTest
@testable import Render

/// `ShapeRows` may only skip work: every pixel of a row's `full` run has coverage exactly 1 with
/// zero derivatives (as the kernels compute it, bit for bit), every pixel outside `xs` has
/// coverage 0; at a visibility level, `full` pixels are visible and those outside `xs` are not;
/// on random rectangles, ellipses, convex and concave polygons, polylines and arc roads.
final class ShapeRowsTests: XCTestCase {
    func testFullRunsAreCoveredAndSkippedPixelsAreNot() {
        var rng = SystemRandomNumberGenerator()
        let (width, height) = (96, 80)
        var full = 0, edge = 0, skipped = 0, visibleRun = 0
        var fullByKind: [String: Int] = [:]
        var arcs = 0
        for trial in 0..<60 {
            let outline: ShapeOutline
            switch trial % 6 {
            case 0: outline = .rectangle
            case 1: outline = .ellipse
            case 2:  // a regular polygon (convex)
                let n = Int.random(in: 3...9, using: &rng)
                outline = .polygon((0..<n).map { i in
                    let a = Float.pi / 2 + 2 * Float.pi * Float(i) / Float(n)
                    return SIMD2(0.5 * cos(a), -0.5 * sin(a))
                })
            case 3:  // random points: convex or not, maybe self-intersecting
                outline = .polygon((0..<Int.random(in: 3...7, using: &rng)).map { _ in
                    SIMD2(Float.random(in: -0.5...0.5, using: &rng), Float.random(in: -0.5...0.5, using: &rng))
                })
            case 4:  // arc roads: drawn as arcs up to a half turn (every second one here), sharper ones as polylines
                let curvature = trial % 12 == 4 ? Double.random(in: 0.002...0.01, using: &rng) * (Bool.random(using: &rng) ? 1 : -1)
                                                : Double.random(in: -0.03...0.03, using: &rng)
                outline = RoadArc(length: Double.random(in: 40...300, using: &rng), curvature: curvature).drawnOutline
                if case .arc = outline { arcs += 1 }
            default:
                outline = .polyline((0..<Int.random(in: 2...6, using: &rng)).map { _ in
                    SIMD2(Float.random(in: -40...40, using: &rng), Float.random(in: -40...40, using: &rng))
                })
            }
            var parameters = SIMD16<Float>.zero
            parameters[LayerParameter.centreX.rawValue] = Float.random(in: -10...Float(width + 10), using: &rng)
            parameters[LayerParameter.centreY.rawValue] = Float.random(in: -10...Float(height + 10), using: &rng)
            parameters[LayerParameter.rotation.rawValue] = trial % 12 < 6 ? Float.random(in: -4...4, using: &rng) : 0
            let isPolyline: Bool = { if case .polyline = outline { return true } else { return false } }()
            let scale: ClosedRange<Float> = isPolyline ? 0.5...1.5 : ((trial / 6) % 3 == 0 ? 0.5...4 : 2...60)
            parameters[LayerParameter.scaleX.rawValue] = Float.random(in: scale, using: &rng)
            parameters[LayerParameter.scaleY.rawValue] = Float.random(in: scale, using: &rng)
            parameters[LayerParameter.halfWidth.rawValue] = Float.random(in: 0...14, using: &rng)
            parameters[LayerParameter.opacity.rawValue] = 1
            let layer = Layer(content: .shape(outline), node: 0, className: "x", parameters: parameters, blend: .over, links: [])
            let box = layer.supportBox(width: width, height: height)
            let rows = ShapeRows(layer, width: width, height: height)
            let (g, dual) = (layer.floatGeometry, layer.dualGeometry)
            // Visibility counting: opacity · A ≥ threshold inside `full`, below it outside `xs` (the
            // compositor counts nothing when even A = 1 is not visible).
            let threshold = Float.random(in: 0.05...0.95, using: &rng), opacity = Float.random(in: threshold...1, using: &rng)
            let level = 0.5 - Double(threshold) / Double(opacity)
            let visibility = ShapeRows(layer, width: width, height: height, levels: (level, level))
            withKernel(layer) { kernel in
                for y in box.y0..<box.y1 {
                    let (candidates, surely, _) = visibility.row(y, box: box, kernel: kernel)
                    for x in box.x0..<box.x1 {
                        let A: Float = layerAlpha(kernel, g, X: Float(x) + 0.5, Y: Float(y) + 0.5)
                        if surely.contains(x) {
                            XCTAssertGreaterThanOrEqual(opacity * A, threshold, "trial \(trial): (\(x), \(y)) counted")
                            visibleRun += 1
                        } else if !candidates.contains(x) {
                            XCTAssertLessThan(opacity * A, threshold, "trial \(trial): (\(x), \(y)) not counted")
                        }
                    }
                }
                for y in box.y0..<box.y1 {
                    let (xs, run, narrowed) = rows.row(y, box: box, kernel: kernel)
                    XCTAssertTrue(run.isEmpty || (run.lowerBound >= xs.lowerBound && run.upperBound <= xs.upperBound))
                    for x in box.x0..<box.x1 {
                        let (X, Y) = (Float(x) + 0.5, Float(y) + 0.5)
                        let A: Float = layerAlpha(kernel, g, X: X, Y: Y)
                        if !xs.contains(x) {
                            XCTAssertEqual(A, 0, "trial \(trial) \(outline): pixel (\(x), \(y)) skipped but covered")
                            skipped += 1
                        } else if run.contains(x) {
                            XCTAssertEqual(A.bitPattern, Float(1).bitPattern, "trial \(trial) \(outline): pixel (\(x), \(y)) in the full run")
                            let d: GeometryDual = layerAlpha(narrowed, dual, X: X, Y: Y)
                            XCTAssertEqual(d.value.bitPattern, Float(1).bitPattern)
                            XCTAssertEqual(d.partials, .zero, "trial \(trial): pixel (\(x), \(y))")
                            full += 1
                            fullByKind["\(trial % 6)", default: 0] += 1
                        } else {
                            edge += 1
                        }
                    }
                }
            }
        }
        // The test means something only when every kind of pixel occurs, for every kind of shape
        // with a full run (kind 3: random polygons, full runs only when they happen to be convex).
        XCTAssertGreaterThan(full, 10_000)
        XCTAssertGreaterThan(edge, 1000)
        XCTAssertGreaterThan(skipped, 1000)
        XCTAssertGreaterThan(visibleRun, 10_000)
        for kind in ["0", "1", "2", "4", "5"] { XCTAssertGreaterThan(fullByKind[kind, default: 0], 500, "kind \(kind)") }
        XCTAssertGreaterThanOrEqual(arcs, 5, "arcs drawn exactly")
    }

    func testSpritesAndConcavePolygonsGetNoFullRun() {
        var parameters = SIMD16<Float>.zero
        parameters[LayerParameter.scaleX.rawValue] = 30
        parameters[LayerParameter.scaleY.rawValue] = 30
        parameters[LayerParameter.centreX.rawValue] = 20
        parameters[LayerParameter.centreY.rawValue] = 20
        // An arrow head: concave.
        let layer = Layer(content: .shape(.polygon([SIMD2(-0.5, -0.5), SIMD2(0.5, 0), SIMD2(-0.5, 0.5), SIMD2(0, 0)])), node: 0,
                          className: "x", parameters: parameters, blend: .over, links: [])
        let box = layer.supportBox(width: 40, height: 40)
        withKernel(layer) { kernel in
            for y in box.y0..<box.y1 {
                let (xs, run, _) = ShapeRows(layer, width: 40, height: 40).row(y, box: box, kernel: kernel)
                XCTAssertEqual(xs, box.x0..<box.x1)
                XCTAssertTrue(run.isEmpty)
            }
        }
    }
}
