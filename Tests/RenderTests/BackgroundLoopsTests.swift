import Codecs
import XCTest
@testable import Render

/// The vectorised background loops against the per-value expressions they replace (kept here
/// as the reference): bit for bit, for every fill, grey and RGB, `over` and `max`, over a black
/// or a drawn canvas, on canvases whose pixel count is not a multiple of the vector width; the
/// reverse pass also with infinite gradients (sums compared by bit pattern, NaNs included).
final class BackgroundLoopsTests: XCTestCase {
    private func fills(_ rng: inout SystemRandomNumberGenerator, channels: Int) -> [BackgroundFill] {
        let image = Sprite.testImage(width: 5, height: 3, channels: channels, rng: &rng)
        XCTAssertNotNil(image)
        return [.constant, .gradient(angle: Float.random(in: -3...3, using: &rng)),
                .noise(cell: Float.random(in: 0.5...9, using: &rng), seed: UInt64.random(in: 0...1000, using: &rng))]
            + (image.map { [BackgroundFill.image($0)] } ?? [])
    }

    func testForwardAndReverseEqualTheScalarLoops() {
        var rng = SystemRandomNumberGenerator()
        var compared = 0
        for (width, height) in [(7, 5), (13, 3), (16, 4)] {
            for channels in [1, 3] {
                for fill in fills(&rng, channels: channels) {
                    let kernel = BackgroundKernel(fill: fill, width: width, height: height, channels: channels)
                    for over in [true, false] {
                        for blackUnder in [true, false] {
                            let n = width * height, count = n * channels
                            let tint = SIMD3<Float>((0..<3).map { _ in Float.random(in: -0.5...1.5, using: &rng) })
                            let end = SIMD3<Float>((0..<3).map { _ in Float.random(in: -0.5...1.5, using: &rng) })
                            let amplitude = Float.random(in: -1...1, using: &rng), opacity = Float.random(in: 0.1...1, using: &rng)
                            let under = (0..<count).map { _ in Float.random(in: -1...2, using: &rng) }
                            var fast = under, slow = under
                            fast.withUnsafeMutableBufferPointer { out in
                                withFillValues(kernel, channels: channels, tint: tint, end: end, amplitude: amplitude,
                                               BackgroundPaint(out: out.baseAddress!, pixels: n, channels: channels, opacity: opacity,
                                                               over: over, blackUnder: blackUnder))
                            }
                            for p in 0..<n {
                                for c in 0..<channels {
                                    let w = kernel.weights(kernel.factor(p, c))
                                    let source = tint[c] * w.x + end[c] * w.y + amplitude * w.z
                                    let i = p * channels + c
                                    slow[i] = blend(opacity * source, alpha: opacity, under: blackUnder ? 0 : slow[i], over: over)
                                }
                            }
                            XCTAssertEqual(fast.map(\.bitPattern), slow.map(\.bitPattern), "\(fill) \(channels) over \(over)")
                            // Reverse.
                            var grad = (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
                            // Half of the cases with infinite gradients (NaN sums: the zero
                            // weights' `g · 0` among them), in the first or last pixel too.
                            if blackUnder {
                                for i in [0, count - 1, Int.random(in: 0..<count, using: &rng)] {
                                    grad[i] = Bool.random(using: &rng) ? .infinity : -.infinity
                                }
                            }
                            var fastGrad = grad, slowGrad = grad
                            let (dOpacity, weights) = fastGrad.withUnsafeMutableBufferPointer { g in
                                under.withUnsafeBufferPointer { u in
                                    withFillValues(kernel, channels: channels, tint: tint, end: end, amplitude: amplitude,
                                                   BackgroundReverse(tint: tint, end: end, amplitude: amplitude, under: u.baseAddress!,
                                                                     grad: g.baseAddress!, width: width, height: height, channels: channels,
                                                                     opacity: opacity, over: over))
                                }
                            }
                            var slowOpacity = 0.0
                            for c in 0..<channels {
                                var dWeights = SIMD3<Double>.zero
                                for y in 0..<height {
                                    var rowWeights = SIMD3<Float>.zero, rowOpacity: Float = 0
                                    for p in (y * width)..<(y * width + width) {
                                        let i = p * channels + c
                                        let w = kernel.weights(kernel.factor(p, c))
                                        let base = tint[c] * w.x + end[c] * w.y + amplitude * w.z
                                        let back = blendBackward(slowGrad[i], src: opacity * base, alpha: opacity, under: under[i], over: over)
                                        slowGrad[i] = back.dUnder
                                        rowOpacity += back.dSrc * base + back.dAlpha
                                        rowWeights += back.dSrc * w
                                    }
                                    slowOpacity += Double(rowOpacity)
                                    dWeights += SIMD3<Double>(rowWeights)
                                }
                                for k in 0..<3 {
                                    XCTAssertEqual(weights[c][k].bitPattern, dWeights[k].bitPattern,
                                                   "\(fill) \(channels) over \(over) channel \(c) weight \(k)")
                                }
                            }
                            XCTAssertEqual(dOpacity.bitPattern, slowOpacity.bitPattern)
                            XCTAssertEqual(fastGrad.map(\.bitPattern), slowGrad.map(\.bitPattern))
                            if channels == 3 && over {
                                // A black canvas given as no `under` (the VJP's first background),
                                // dL/d under not written: the sums of a canvas of +0.
                                let zeros = [Float](repeating: 0, count: count)
                                func sums(_ under: UnsafePointer<Float>?, _ g: inout [Float], writes: Bool) -> [UInt64] {
                                    let (o, w) = g.withUnsafeMutableBufferPointer { gb in
                                        withFillValues(kernel, channels: 3, tint: tint, end: end, amplitude: amplitude,
                                                       BackgroundReverse(tint: tint, end: end, amplitude: amplitude, under: under,
                                                                         grad: gb.baseAddress!, width: width, height: height, channels: 3,
                                                                         opacity: opacity, over: true, writesUnder: writes))
                                    }
                                    return [o.bitPattern] + w.flatMap { [$0.x.bitPattern, $0.y.bitPattern, $0.z.bitPattern] }
                                }
                                var g1 = grad, g2 = grad
                                let black = sums(nil, &g1, writes: false)
                                let cleared = zeros.withUnsafeBufferPointer { sums($0.baseAddress!, &g2, writes: true) }
                                XCTAssertEqual(black, cleared, "\(fill) black under")
                                XCTAssertEqual(g1.map(\.bitPattern), grad.map(\.bitPattern), "\(fill) dL/d under not written")
                            }
                            compared += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(compared, 3 * 2 * 4 * 2 * 2)
    }

    /// `valueNoisePlane` against `valueNoise` at every pixel centre.
    func testNoisePlaneEqualsPointwiseNoise() {
        for (cell, seed) in [(Float(0.7), UInt64(3)), (5, 11), (16, 1), (1.0 / 1024, 2), (300, 5)] {
            let (width, height) = (37, 23)
            let plane = valueNoisePlane(width: width, height: height, cell: cell, seed: seed, minus: 0.5)
            for y in 0..<height {
                for x in 0..<width {
                    let v = valueNoise((Float(x) + 0.5) / cell, (Float(y) + 0.5) / cell, seed: seed) - 0.5
                    XCTAssertEqual(plane[y * width + x].bitPattern, v.bitPattern, "cell \(cell) at (\(x), \(y))")
                }
            }
        }
    }
}

extension Sprite {
    /// A small RGB sprite of random values prepared for a canvas of `channels` (nil if it cannot be built).
    static func testImage(width: Int, height: Int, channels: Int, rng: inout SystemRandomNumberGenerator) -> Sprite? {
        let pixels = (0..<width * height * 3).map { _ in Float.random(in: 0...1, using: &rng) }
        return try? Sprite(image: Image(width: width, height: height, channels: 3, pixels: pixels), canvasChannels: channels, what: "test")
    }
}
