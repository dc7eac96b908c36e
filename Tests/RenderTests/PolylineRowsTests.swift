import XCTest
@testable import Render

/// `PolylineRows` may only skip work: outside a row's span every pixel has coverage exactly 0,
/// and inside it the narrowed segment list gives bit-identical coverage and derivatives, over
/// the layer's whole support box and over the canvas's part of it (where segments beyond the
/// canvas's columns are dropped).
final class PolylineRowsTests: XCTestCase {
    func testRowSpansAndNarrowedSegmentsChangeNoValueOrDerivative() {
        var rng = SystemRandomNumberGenerator()
        let (width, height) = (96, 80)
        var checkedPixels = 0, skippedPixels = 0
        for trial in 0..<24 {
            // Arc roads (many segments, bending both ways) and zig-zag polylines, rotated and scaled.
            let vertices: [SIMD2<Float>] = trial % 2 == 0
                ? RoadArc(length: Double.random(in: 60...300, using: &rng), curvature: Double.random(in: -0.02...0.02, using: &rng)).vertices
                : (0..<Int.random(in: 2...7, using: &rng)).map { _ in SIMD2(Float.random(in: -40...40, using: &rng), Float.random(in: -40...40, using: &rng)) }
            var parameters = SIMD16<Float>.zero
            parameters[LayerParameter.centreX.rawValue] = Float.random(in: 0...Float(width), using: &rng)
            parameters[LayerParameter.centreY.rawValue] = Float.random(in: 0...Float(height), using: &rng)
            parameters[LayerParameter.rotation.rawValue] = Float.random(in: -3...3, using: &rng)
            parameters[LayerParameter.scaleX.rawValue] = Float.random(in: 0.5...1.5, using: &rng)
            parameters[LayerParameter.scaleY.rawValue] = Float.random(in: 0.5...1.5, using: &rng)
            parameters[LayerParameter.halfWidth.rawValue] = Float.random(in: 0...12, using: &rng)
            parameters[LayerParameter.opacity.rawValue] = 1
            let layer = Layer(content: .shape(.polyline(vertices)), node: 0, className: "road", parameters: parameters,
                              blend: .over, links: [])
            // Trials 2, 3 (mod 4): the canvas's part, as the compositor draws (long roads reach past it).
            let support = layer.supportBox(width: width, height: height)
            let box = trial % 4 < 2 ? support : support.clipped(width: width, height: height)
            if box.isEmpty { continue }  // wholly off the canvas: nothing drawn
            let rows = PolylineRows(layer)
            let (g, dual) = (layer.floatGeometry, layer.dualGeometry)
            withKernel(layer) { kernel in
                for y in box.y0..<box.y1 {
                    let (xs, narrowed) = rows.row(y, box: box, kernel: kernel)
                    XCTAssertLessThanOrEqual(narrowed.vertices.count, kernel.vertices.count)
                    for x in box.x0..<box.x1 {
                        let (X, Y) = (Float(x) + 0.5, Float(y) + 0.5)
                        let full: Float = layerAlpha(kernel, g, X: X, Y: Y)
                        guard xs.contains(x) else {
                            XCTAssertEqual(full, 0, "trial \(trial): pixel (\(x), \(y)) skipped but covered")
                            skippedPixels += 1
                            continue
                        }
                        let culled: Float = layerAlpha(narrowed, g, X: X, Y: Y)
                        XCTAssertEqual(culled.bitPattern, full.bitPattern, "trial \(trial): pixel (\(x), \(y))")
                        let fullDual: GeometryDual = layerAlpha(kernel, dual, X: X, Y: Y)
                        let culledDual: GeometryDual = layerAlpha(narrowed, dual, X: X, Y: Y)
                        XCTAssertEqual(culledDual.value.bitPattern, fullDual.value.bitPattern)
                        XCTAssertEqual(culledDual.partials, fullDual.partials, "trial \(trial): pixel (\(x), \(y))")
                        checkedPixels += 1
                    }
                }
            }
        }
        // The test means something only when both kinds of pixel occur.
        XCTAssertGreaterThan(checkedPixels, 1000)
        XCTAssertGreaterThan(skippedPixels, 1000)
    }

    func testOtherLayersKeepWholeRows() {
        var parameters = SIMD16<Float>.zero
        parameters[LayerParameter.scaleX.rawValue] = 10
        parameters[LayerParameter.scaleY.rawValue] = 10
        let layer = Layer(content: .shape(.rectangle), node: 0, className: "car", parameters: parameters, blend: .over, links: [])
        let box = PixelBox(x0: 3, y0: 0, x1: 17, y1: 9)
        withKernel(layer) { kernel in
            XCTAssertEqual(PolylineRows(layer).row(4, box: box, kernel: kernel).xs, 3..<17)
        }
    }
}

/// `layerAlphaDual` skips the dual arithmetic only where coverage is flat: it must equal
/// `layerAlpha` in `GeometryDual` bit for bit, value and partials, on and around every shape.
final class FlatCoverageTests: XCTestCase {
    func testLayerAlphaDualEqualsTheFullDualEverywhere() {
        var rng = SystemRandomNumberGenerator()
        let outlines: [ShapeOutline] = [.rectangle, .ellipse, .polygon([SIMD2(0, -0.5), SIMD2(0.5, 0.3), SIMD2(-0.4, 0.5)]),
                                        .polyline(RoadArc(length: 40, curvature: 0.03).vertices)]
        var flat = 0, ramp = 0
        for (n, outline) in outlines.enumerated() {
            var parameters = SIMD16<Float>.zero
            parameters[LayerParameter.centreX.rawValue] = 20.3
            parameters[LayerParameter.centreY.rawValue] = 18.6
            parameters[LayerParameter.rotation.rawValue] = 0.4 * Float(n + 1)
            parameters[LayerParameter.scaleX.rawValue] = n == 3 ? 1 : 21
            parameters[LayerParameter.scaleY.rawValue] = n == 3 ? 1 : 13
            parameters[LayerParameter.halfWidth.rawValue] = 3.5
            let layer = Layer(content: .shape(outline), node: 0, className: "x", parameters: parameters, blend: .over, links: [])
            let (g, plain) = (layer.dualGeometry, layer.floatGeometry)
            withKernel(layer) { kernel in
                for _ in 0..<4000 {
                    let (X, Y) = (Float.random(in: -5...45, using: &rng), Float.random(in: -5...45, using: &rng))
                    let full: GeometryDual = layerAlpha(kernel, g, X: X, Y: Y)
                    let fast = layerAlphaDual(kernel, g, plain: plain, X: X, Y: Y)
                    XCTAssertEqual(fast.value.bitPattern, full.value.bitPattern, "\(outline) at (\(X), \(Y))")
                    XCTAssertEqual(fast.partials, full.partials, "\(outline) at (\(X), \(Y))")
                    if full.partials == .zero { flat += 1 } else { ramp += 1 }
                }
            }
        }
        XCTAssertGreaterThan(flat, 1000)
        XCTAssertGreaterThan(ramp, 100)
    }
}
