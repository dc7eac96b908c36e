import Codecs
import XCTest
@testable import Render

/// CMaskSprite's AVX2 kernels against the Swift loops they stand in for (`Compositor.drawMaskSprite`
/// blend `over` on a grey and on an RGB canvas, and the count of visible pixels beyond the canvas,
/// `metasim_mask_sprite_count_rows`): the same pixel bits, masks and per-layer counts, for sprites
/// at random positions, angles, scales, tints and opacities, partly off the canvas, over a noise
/// background, several layers deep so that later sprites blend over earlier ones and replace their
/// mask ids; every tenth trial with a visibility threshold of 0 (pixels beyond the sprite count).
/// The canvas is 29 rows tall: the kernels' groups of eight rows end with a partial group; every
/// fourth trial it is 150 px wide with sprites scaled up to 9×, so that rows run past the draw
/// kernel's 64-column passes.
final class MaskSpriteRowKernelTests: XCTestCase {
    func testKernelGivesTheSwiftLoopsBits() throws {
        guard Compositor.spriteRowKernelAvailable else { throw XCTSkip("this processor has no AVX2: the Swift loop draws") }
        var rng = TestRandom(state: 3)
        let sprites = try randomMaskSprites(&rng)
        var differences = 0, drawnLayers = 0, wideRows = 0
        for trial in 0..<200 {
            let channels = trial % 2 == 0 ? 1 : 3
            let wide = trial % 4 == 3
            let (width, height) = (wide ? 150 : 37, 29)
            var layers = [Layer(content: .background(.noise(cell: 4, seed: UInt64(trial))), node: 0, className: "",
                                parameters: Self.parameters(opacity: 1, tint: 0.3, noise: 0.2), blend: .over, links: [])]
            for n in 0..<(1 + trial % 4) {
                var p = Self.parameters(opacity: trial % 5 == 0 ? 1 : 0.2 + 0.8 * rng.unit(), tint: rng.unit(), noise: 0)
                p[LayerParameter.tintG.rawValue] = rng.unit()
                p[LayerParameter.tintB.rawValue] = rng.unit()
                placeRandomly(&p, width: width, height: height, rotated: trial % 7 != 0, &rng)
                if wide {
                    p[LayerParameter.scaleX.rawValue] *= 3
                    p[LayerParameter.scaleY.rawValue] *= 3
                }
                layers.append(Layer(content: .sprite(sprites[(trial + n) % 3]), node: n + 1, className: "digit", parameters: p,
                                    blend: .over, links: []))
            }
            let ids = layers.map { $0.isObject ? UInt16(1) : 0 }
            func draw(kernel: Bool) -> ([Float], [UInt16], [UInt16], [Compositor.LayerStats]) {
                var compositor = Compositor(width: width, height: height, channels: channels, visibilityThreshold: trial % 10 == 9 ? 0 : 0.5)
                compositor.spriteRowKernel = kernel
                return drawWithMasks(compositor, layers, classIds: ids)
            }
            let (kernelPixels, kernelInstance, kernelSemantic, kernelStats) = draw(kernel: true)
            let (swiftPixels, swiftInstance, swiftSemantic, swiftStats) = draw(kernel: false)
            differences += zip(kernelPixels, swiftPixels).filter { $0.bitPattern != $1.bitPattern }.count
            XCTAssertEqual(kernelInstance, swiftInstance, "trial \(trial): instance mask")
            XCTAssertEqual(kernelSemantic, swiftSemantic, "trial \(trial): semantic mask")
            XCTAssertEqual(kernelStats.map(\.touchedPixels), swiftStats.map(\.touchedPixels), "trial \(trial): touched")
            XCTAssertEqual(kernelStats.map(\.coveredPixels), swiftStats.map(\.coveredPixels), "trial \(trial): covered")
            drawnLayers += swiftStats.dropFirst().filter { $0.touchedPixels > 0 }.count
            wideRows += layers.dropFirst().filter {
                let box = $0.supportBox(width: width, height: height).clipped(width: width, height: height)
                return !box.isEmpty && box.x1 - box.x0 > 64
            }.count
        }
        XCTAssertEqual(differences, 0, "pixels whose bits differ")
        XCTAssertGreaterThan(drawnLayers, 250, "most sprites should land on the canvas")
        XCTAssertGreaterThan(wideRows, 20, "sprites drawn more than 64 px wide")
    }

    private static func parameters(opacity: Float, tint: Float, noise: Float) -> SIMD16<Float> {
        var p = SIMD16<Float>.zero
        p[LayerParameter.scaleX.rawValue] = 1; p[LayerParameter.scaleY.rawValue] = 1
        p[LayerParameter.opacity.rawValue] = opacity
        p[LayerParameter.tintR.rawValue] = tint; p[LayerParameter.tintG.rawValue] = tint; p[LayerParameter.tintB.rawValue] = tint
        p[LayerParameter.noiseAmplitude.rawValue] = noise
        return p
    }
}
