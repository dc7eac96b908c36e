import Codecs
import XCTest
@testable import Render
import Scene

/// The mask-sprite reverse pass on a grey canvas with blend `over`, eight pixels at a time in C
/// (CMaskSprite's AVX2 kernel), against the Swift loop (`backwardMaskSprite(kernel: false)`):
/// the same parameter gradients and the same dL/d under, bit for bit, for sprites at random
/// positions, angles, scales, opacities and tints, partly off the canvas, with random upstream
/// gradients and canvases under them. Box widths vary, so rows end on and off the kernel's step.
final class MaskSpriteReverseTests: XCTestCase {
    func testKernelGivesTheSwiftLoopsBits() throws {
        var rng = TestRandom(state: 23)
        let sprites = try randomMaskSprites(&rng)
        let (width, height) = (37, 29)
        let renderer = try CompositorRenderer(canvas: Canvas(width: width, height: height, channels: 1), classes: ["digit"])
        guard Compositor.spriteRowKernelAvailable else { throw XCTSkip("this processor has no AVX2: the Swift loop runs") }
        var compared = 0, nonZero = 0
        for trial in 0..<400 {
            var p = SIMD16<Float>.zero
            placeRandomly(&p, width: width, height: height, rotated: trial % 7 != 0, &rng)
            p[LayerParameter.opacity.rawValue] = trial % 5 == 0 ? 1 : rng.unit()
            p[LayerParameter.tintR.rawValue] = rng.unit()
            let layer = Layer(content: .sprite(sprites[trial % 3]), node: 1, className: "digit", parameters: p, blend: .over, links: [])
            let box = layer.supportBox(width: width, height: height).clipped(width: width, height: height)
            if box.isEmpty { continue }
            // Some upstream values exactly 0, so that dA = 0 on some drawn pixels.
            let upstream = (0..<(width * height)).map { _ in rng.unit() < 0.1 ? 0 : rng.unit() - 0.5 }
            let under = (0..<box.area).map { _ in rng.unit() }
            var kernelGrad = upstream, swiftGrad = upstream
            let inC = kernelGrad.withUnsafeMutableBufferPointer { g in
                renderer.backwardMaskSprite(layer, box: box, under: under, grad: g.baseAddress!)
            }
            let inSwift = swiftGrad.withUnsafeMutableBufferPointer { g in
                renderer.backwardMaskSprite(layer, box: box, under: under, grad: g.baseAddress!, kernel: false)
            }
            XCTAssertEqual(inC.map(\.bitPattern), inSwift.map(\.bitPattern), "trial \(trial): parameter gradients")
            XCTAssertEqual(kernelGrad.map(\.bitPattern), swiftGrad.map(\.bitPattern), "trial \(trial): dL/d under")
            compared += 1
            nonZero += inSwift.filter { $0 != 0 }.count
        }
        XCTAssertGreaterThan(compared, 300)
        XCTAssertGreaterThan(nonZero, 5 * compared, "most sprites should get gradients")
    }
}
