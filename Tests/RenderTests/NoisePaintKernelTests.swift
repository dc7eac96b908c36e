import XCTest
@testable import Render

/// CBackgroundPaint's AVX2 loops against the Swift loop they stand in for (a noise background
/// blended `over` an RGB canvas): the same bits, as the first layer (painted on black without
/// reading the canvas) and over shapes already drawn, at opacities below 1, on a canvas whose
/// width is not a multiple of eight (the loops' scalar tails). Both C loops: the one that makes
/// the noise row by row as it paints (`render`), and the one that paints a noise plane already
/// made (`BackgroundKernel`, as the VJP hands it over).
final class NoisePaintKernelTests: XCTestCase {
    func testKernelGivesTheSwiftLoopsBits() throws {
        guard Compositor.noisePaintKernelAvailable else { throw XCTSkip("this processor has no AVX2: the Swift loop paints") }
        var rng = TestRandom(state: 11)
        let (width, height) = (37, 29)
        var differences = 0
        for trial in 0..<40 {
            func noise(_ opacity: Float) -> Layer {
                var p = SIMD16<Float>.zero
                p[LayerParameter.scaleX.rawValue] = 1; p[LayerParameter.scaleY.rawValue] = 1
                p[LayerParameter.opacity.rawValue] = opacity
                for t in [LayerParameter.tintR, .tintG, .tintB] { p[t.rawValue] = rng.unit() }
                p[LayerParameter.noiseAmplitude.rawValue] = 0.5 * rng.unit()
                return Layer(content: .background(.noise(cell: 1 + 6 * rng.unit(), seed: UInt64(trial))), node: 0, className: "",
                             parameters: p, blend: .over, links: [])
            }
            var car = SIMD16<Float>.zero
            car[LayerParameter.centreX.rawValue] = Float(width) * rng.unit(); car[LayerParameter.centreY.rawValue] = Float(height) * rng.unit()
            car[LayerParameter.scaleX.rawValue] = 12; car[LayerParameter.scaleY.rawValue] = 7
            car[LayerParameter.opacity.rawValue] = 1; car[LayerParameter.tintR.rawValue] = 0.9
            let layers = [noise(trial % 3 == 0 ? 1 : rng.unit()),
                          Layer(content: .shape(.rectangle), node: 1, className: "car", parameters: car, blend: .over, links: []),
                          noise(0.2 + 0.6 * rng.unit())]
            func draw(kernel: Bool, prebuilt: Bool = false) -> [Float] {
                var compositor = Compositor(width: width, height: height, channels: 3, visibilityThreshold: 0.5)
                compositor.noisePaintKernel = kernel
                guard prebuilt else { return drawWithMasks(compositor, layers, classIds: [0, 1, 0]).pixels }
                let kernels = layers.map { layer -> BackgroundKernel? in
                    guard case .background(let fill) = layer.content else { return nil }
                    return BackgroundKernel(fill: fill, width: width, height: height, channels: 3)
                }
                var pixels = [Float](repeating: 0, count: width * height * 3)
                _ = pixels.withUnsafeMutableBufferPointer { px in
                    compositor.draw(layers, classIds: [0, 1, 0], into: px.baseAddress!, masks: nil, tape: nil, backgrounds: kernels)
                }
                return pixels
            }
            let swift = draw(kernel: false)
            differences += zip(draw(kernel: true), swift).filter { $0.bitPattern != $1.bitPattern }.count
            differences += zip(draw(kernel: true, prebuilt: true), swift).filter { $0.bitPattern != $1.bitPattern }.count
        }
        XCTAssertEqual(differences, 0, "values whose bits differ")
    }
}
