import Scene
import XCTest
@testable import Render

/// The span-based loops (ShapeRows: full runs filled, rows cut, visibility counted by runs, the
/// reverse pass's full-run loop) against the same loops evaluating every pixel of the box: the
/// images, masks, ground-truth statistics and parameter gradients must agree bit for bit, for
/// every shape, `over` and `max`, grey and RGB, shapes partly off the canvas.
final class ShapeSpansReferenceTests: XCTestCase {
    func testSpansChangeNoImageMaskStatisticOrGradient() throws {
        var rng = SystemRandomNumberGenerator()
        let (width, height) = (48, 40)
        for trial in 0..<48 {
            let channels = trial % 2 == 0 ? 3 : 1
            var layers: [Layer] = []
            var background = SIMD16<Float>.zero
            background[LayerParameter.opacity.rawValue] = 1
            background[LayerParameter.tintR.rawValue] = 0.4; background[LayerParameter.tintG.rawValue] = 0.5
            background[LayerParameter.tintB.rawValue] = 0.2; background[LayerParameter.noiseAmplitude.rawValue] = 0.3
            layers.append(Layer(content: .background(.noise(cell: 5, seed: UInt64(trial))), node: 0, className: "", parameters: background,
                                blend: .over, links: []))
            for k in 0..<4 {
                let outline: ShapeOutline = [.rectangle, .ellipse,
                                             .polygon((0..<5).map { i in
                                                 let a = Float.pi / 2 + 2 * Float.pi * Float(i) / 5
                                                 return SIMD2(0.5 * cos(a), -0.5 * sin(a))
                                             }),
                                             .polyline(RoadArc(length: 120, curvature: Double.random(in: -0.02...0.02, using: &rng)).vertices)][(trial + k) % 4]
                var p = SIMD16<Float>.zero
                p[LayerParameter.centreX.rawValue] = Float.random(in: -5...Float(width + 5), using: &rng)
                p[LayerParameter.centreY.rawValue] = Float.random(in: -5...Float(height + 5), using: &rng)
                p[LayerParameter.rotation.rawValue] = Float.random(in: -3...3, using: &rng)
                let isPolyline: Bool = { if case .polyline = outline { return true } else { return false } }()
                p[LayerParameter.scaleX.rawValue] = isPolyline ? 1 : Float.random(in: 4...30, using: &rng)
                p[LayerParameter.scaleY.rawValue] = isPolyline ? 1 : Float.random(in: 4...30, using: &rng)
                p[LayerParameter.halfWidth.rawValue] = Float.random(in: 1...8, using: &rng)
                p[LayerParameter.opacity.rawValue] = Float.random(in: 0.3...1, using: &rng)
                for c in 0..<3 { p[LayerParameter.tintR.rawValue + c] = Float.random(in: 0...1, using: &rng) }
                layers.append(Layer(content: .shape(outline), node: k + 1, className: "x", parameters: p,
                                    blend: Bool.random(using: &rng) ? .over : .max, links: []))
            }
            let threshold = Float.random(in: 0.2...0.8, using: &rng)
            try Self.compareSpansWithReference(layers, width: width, height: height, channels: channels, threshold: threshold,
                                              trial: trial, rng: &rng)
        }
    }

    /// Roads alone, where the per-pixel segment search is cut to the segments whose capsule on
    /// the row holds the pixel (`LayerKernel.segmentReach`) and the pixels beyond the canvas are
    /// counted by runs: long arcs mostly off the canvas, and zig-zag polylines with short
    /// segments and sharp turns (several segments near one pixel, ties at joints), against the
    /// loops that search every segment and evaluate every pixel.
    func testRoadSegmentReachChangesNoImageMaskStatisticOrGradient() throws {
        var rng = SystemRandomNumberGenerator()
        let (width, height) = (40, 36)
        for trial in 0..<40 {
            let channels = trial % 2 == 0 ? 3 : 1
            var layers: [Layer] = []
            for k in 0..<3 {
                let vertices: [SIMD2<Float>]
                if (trial + k) % 2 == 0 {
                    vertices = RoadArc(length: Double.random(in: 60...300, using: &rng),
                                       curvature: Double.random(in: -0.04...0.04, using: &rng)).vertices
                } else {
                    var p = SIMD2<Float>(0, 0)
                    vertices = (0..<Int.random(in: 2...12, using: &rng)).map { _ in
                        p += SIMD2(Float.random(in: -14...14, using: &rng), Float.random(in: -14...14, using: &rng))
                            * (Bool.random(using: &rng) ? 1 : 0.1)
                        return p
                    }
                }
                var p = SIMD16<Float>.zero
                p[LayerParameter.centreX.rawValue] = Float.random(in: -10...Float(width + 10), using: &rng)
                p[LayerParameter.centreY.rawValue] = Float.random(in: -10...Float(height + 10), using: &rng)
                p[LayerParameter.rotation.rawValue] = Float.random(in: -3.2...3.2, using: &rng)
                p[LayerParameter.scaleX.rawValue] = Float.random(in: 0.7...1.3, using: &rng)
                p[LayerParameter.scaleY.rawValue] = Float.random(in: 0.7...1.3, using: &rng)
                p[LayerParameter.halfWidth.rawValue] = Float.random(in: 0.3...12, using: &rng)
                p[LayerParameter.opacity.rawValue] = Float.random(in: 0.3...1, using: &rng)
                for c in 0..<3 { p[LayerParameter.tintR.rawValue + c] = Float.random(in: 0...1, using: &rng) }
                layers.append(Layer(content: .shape(.polyline(vertices)), node: k, className: "x", parameters: p,
                                    blend: Bool.random(using: &rng) ? .over : .max, links: []))
            }
            let threshold = Float.random(in: 0.1...0.9, using: &rng)
            try Self.compareSpansWithReference(layers, width: width, height: height, channels: channels, threshold: threshold,
                                              trial: trial, rng: &rng)
        }
    }

    /// Draws `layers` with spans and without (every pixel of the box), and runs the reverse pass
    /// of each non-background layer both ways over a random canvas, and with the rows a forward
    /// pass recorded (`RowLog`): all bit for bit.
    static func compareSpansWithReference(_ layers: [Layer], width: Int, height: Int, channels: Int, threshold: Float,
                                          trial: Int, rng: inout SystemRandomNumberGenerator) throws {
            let ids = [UInt16](repeating: 1, count: layers.count)
            func draw(spans: Bool) -> ([Float], [UInt16], [UInt16], [Int]) {
                let compositor = Compositor(width: width, height: height, channels: channels, visibilityThreshold: threshold, spans: spans)
                let (out, instance, semantic, stats) = drawWithMasks(compositor, layers, classIds: ids)
                return (out, instance, semantic, stats.flatMap { [$0.coveredPixels, $0.touchedPixels] })
            }
            let (a, b) = (draw(spans: true), draw(spans: false))
            XCTAssertEqual(a.0.map(\.bitPattern), b.0.map(\.bitPattern), "trial \(trial): image")
            XCTAssertEqual(a.1, b.1, "trial \(trial): instance mask")
            XCTAssertEqual(a.2, b.2, "trial \(trial): semantic mask")
            XCTAssertEqual(a.3, b.3, "trial \(trial): statistics")
            // Reverse pass of each shape over a random canvas.
            let r = try CompositorRenderer(canvas: Canvas(width: width, height: height, channels: channels), classes: ["x"])
            let n = width * height * channels
            let under = (0..<n).map { _ in Float.random(in: 0...1, using: &rng) }
            var upstream = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            // Every third trial with a few infinite gradients: the reverse pass's non-finite
            // sums (NaN, ±inf) must be the reference's too.
            if trial % 3 == 2 {
                for _ in 0..<4 { upstream[Int.random(in: 0..<n, using: &rng)] = Bool.random(using: &rng) ? .infinity : -.infinity }
            }
            // The rows the VJP's forward pass records (`RowLog`), replayed below.
            let logs = layers.map { layer -> RowLog? in
                let box = layer.supportBox(width: width, height: height).clipped(width: width, height: height)
                guard case .shape(let outline) = layer.content, !box.isEmpty else { return nil }
                if case .polyline(let v) = outline { return RowLog(rows: box.y1 - box.y0, segments: v.count) }
                return RowLog(rows: box.y1 - box.y0, segments: 0)
            }
            var canvas = [Float](repeating: 0, count: width * height * channels)
            _ = canvas.withUnsafeMutableBufferPointer { o in
                Compositor(width: width, height: height, channels: channels, visibilityThreshold: threshold)
                    .draw(layers, classIds: ids, into: o.baseAddress!, masks: nil, tape: nil, rowLogs: logs)
            }
            for (k, layer) in layers.enumerated() {
                if case .background = layer.content { continue }
                let box = layer.supportBox(width: width, height: height).clipped(width: width, height: height)
                if box.isEmpty { continue }
                var tape: [Float] = []
                for y in box.y0..<box.y1 { tape += under[((y * width + box.x0) * channels)..<((y * width + box.x1) * channels)] }
                var g1 = upstream, g2 = upstream
                let fast = tape.withUnsafeBufferPointer { t in
                    g1.withUnsafeMutableBufferPointer { r.genericBackward(layer, box: box, under: t.baseAddress!, grad: $0.baseAddress!) }
                }
                let reference = tape.withUnsafeBufferPointer { t in
                    g2.withUnsafeMutableBufferPointer { r.genericBackward(layer, box: box, under: t.baseAddress!, grad: $0.baseAddress!, spans: false) }
                }
                XCTAssertEqual(fast.map { $0.bitPattern }, reference.map { $0.bitPattern }, "trial \(trial): \(layer.content) gradients")
                XCTAssertEqual(g1.map(\.bitPattern), g2.map(\.bitPattern), "trial \(trial): dL/d under")
                if let log = logs[k] {
                    XCTAssertEqual(log.count, box.y1 - box.y0, "trial \(trial): rows recorded")
                    var g3 = upstream
                    let replayed = tape.withUnsafeBufferPointer { t in
                        g3.withUnsafeMutableBufferPointer { r.genericBackward(layer, box: box, under: t.baseAddress!, grad: $0.baseAddress!, rowLog: log) }
                    }
                    XCTAssertEqual(replayed.map { $0.bitPattern }, reference.map { $0.bitPattern }, "trial \(trial): \(layer.content) gradients, rows replayed")
                    XCTAssertEqual(g3.map(\.bitPattern), g2.map(\.bitPattern), "trial \(trial): dL/d under, rows replayed")
                }
            }
    }
}
