import Codecs
import XCTest
@testable import Render
import Scene

/// The mask-sprite reverse pass on a grey canvas with blend `over`, eight pixels at a time in C
/// (CMaskSprite's AVX2 kernel), against the Swift loop (`backwardMaskSprite(kernel: false)`):
/// the same parameter gradients and the same dL/d under, bit for bit, for sprites at random
/// positions, angles, scales, opacities and tints, partly off the canvas, with random upstream
/// gradients and canvases under them. Box widths vary, so rows end on and off the kernel's step;
/// every fourth trial the canvas is 150 px wide and the sprite scaled up to 9×, so that rows run
/// past the kernel's 64-column passes; 29 rows end with a partial group of eight.
final class MaskSpriteReverseTests: XCTestCase {
    func testKernelGivesTheSwiftLoopsBits() throws {
        var rng = TestRandom(state: 23)
        let sprites = try randomMaskSprites(&rng)
        let narrow = try CompositorRenderer(canvas: Canvas(width: 37, height: 29, channels: 1), classes: ["digit"])
        let wide = try CompositorRenderer(canvas: Canvas(width: 150, height: 29, channels: 1), classes: ["digit"])
        guard Compositor.spriteRowKernelAvailable else { throw XCTSkip("this processor has no AVX2: the Swift loop runs") }
        var compared = 0, nonZero = 0, wideBoxes = 0
        for trial in 0..<400 {
            let renderer = trial % 4 == 3 ? wide : narrow
            let (width, height) = (renderer.canvas.width, renderer.canvas.height)
            var p = SIMD16<Float>.zero
            placeRandomly(&p, width: width, height: height, rotated: trial % 7 != 0, &rng)
            if renderer.canvas.width > 64 {
                p[LayerParameter.scaleX.rawValue] *= 3
                p[LayerParameter.scaleY.rawValue] *= 3
            }
            p[LayerParameter.opacity.rawValue] = trial % 5 == 0 ? 1 : rng.unit()
            p[LayerParameter.tintR.rawValue] = rng.unit()
            let layer = Layer(content: .sprite(sprites[trial % 3]), node: 1, className: "digit", parameters: p, blend: .over, links: [])
            let box = layer.supportBox(width: width, height: height).clipped(width: width, height: height)
            if box.isEmpty { continue }
            if box.x1 - box.x0 > 64 { wideBoxes += 1 }
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
        XCTAssertGreaterThan(wideBoxes, 20, "boxes more than 64 px wide")
        XCTAssertGreaterThan(nonZero, 5 * compared, "most sprites should get gradients")
    }
}
