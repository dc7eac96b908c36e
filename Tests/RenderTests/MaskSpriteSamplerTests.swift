import Codecs
import XCTest
@testable import Render

/// The four-lane mask-sprite sampling (`MaskSpriteSampler.alpha4`, the draw loop's and the
/// beyond-the-canvas count's) against the one-lane `alpha`: the same bits in every lane, at
/// coordinates inside the sprite, on and around its bordered edges (−1, width), far outside,
/// and not finite.
final class MaskSpriteSamplerTests: XCTestCase {
    func testFourLanesGiveTheBitsOfOneLaneAtATime() throws {
        var rng = TestRandom(state: 11)
        let (w, h) = (7, 5)
        let image = Image(width: w, height: h, channels: 1, pixels: (0..<(w * h)).map { _ in rng.unit() < 0.3 ? 0 : rng.unit() })
        var p = SIMD16<Float>.zero
        p[LayerParameter.scaleX.rawValue] = 1.3; p[LayerParameter.scaleY.rawValue] = 0.8
        p[LayerParameter.rotation.rawValue] = 0.4; p[LayerParameter.opacity.rawValue] = 1
        let layer = Layer(content: .sprite(try Sprite(image: image, canvasChannels: 1, what: "test")), node: 0, className: "x",
                          parameters: p, blend: .over, links: [])
        let special: [Float] = [-1, -1.0000001, -0.9999999, 0, 0.5, Float(w) - 1, Float(w), Float(w) - 0.0000005, Float(h),
                                Float(h) - 0.0000003, -1e30, 1e30, .infinity, -.infinity, .nan, -0.0]
        var compared = 0, nonZero = 0
        withKernel(layer) { kernel in
            let sampler = MaskSpriteSampler(layer, kernel)
            for trial in 0..<4000 {
                var us = SIMD4<Float>(), vs = SIMD4<Float>()
                for lane in 0..<4 {
                    let pick = { (limit: Int) -> Float in
                        trial % 3 == 0 ? special[Int(rng.unit() * Float(special.count)) % special.count]
                                       : rng.unit() * Float(limit + 4) - 2
                    }
                    us[lane] = pick(w); vs[lane] = pick(h)
                }
                let four = sampler.alpha4(us, vs)
                for lane in 0..<4 {
                    let one = sampler.alpha(us[lane], vs[lane])
                    XCTAssertEqual(four[lane].bitPattern, one.bitPattern, "(\(us[lane]), \(vs[lane])): \(four[lane]) vs \(one)")
                    compared += 1
                    if one != 0 { nonZero += 1 }
                }
            }
        }
        XCTAssertEqual(compared, 16_000)
        XCTAssertGreaterThan(nonZero, 4_000, "most samples should fall on ink")
    }
}
