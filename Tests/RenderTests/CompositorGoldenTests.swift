import Codecs
import Scene
import XCTest
@testable import Render

final class CompositorGoldenTests: XCTestCase {
    func makeRenderer(_ w: Int = 32, _ h: Int = 32, channels: Int = 1) throws -> CompositorRenderer {
        try CompositorRenderer(canvas: Canvas(width: w, height: h, channels: channels), classes: ["3", "7", "box", "road"], assets: [digitStore])
    }

    func testUnrotatedSpriteAtNaturalSizeIsCopiedExactly() throws {
        let r = try makeRenderer()
        let g = scene([node("3", numbers(["loc_x": 16, "loc_y": 16, "size": 28]), asset: AssetRef(store: "digits", index: 0))])
        let image = try r.render([g])[0].image
        let sprite = digitLikeSprite(seed: 1)
        for y in 0..<32 {
            for x in 0..<32 {
                let inside = (2..<30).contains(x) && (2..<30).contains(y)
                let expected: Float = inside ? sprite.pixels[(y - 2) * 28 + (x - 2)] : 0
                XCTAssertEqual(image.pixels[y * 32 + x], expected, accuracy: 1e-6, "pixel (\(x), \(y))")
            }
        }
    }

    func testYawRotatesCounterClockwise() throws {
        // A single bright texel at the sprite's top-right ends at the top-left after +90°.
        var px = [Float](repeating: 0, count: 4 * 4)
        px[0 * 4 + 3] = 1
        let store = MemoryAssetStore(name: "dot", images: [Image(width: 4, height: 4, channels: 1, pixels: px)], labels: ["d"])
        let r = try CompositorRenderer(canvas: Canvas(width: 8, height: 8), classes: ["d"], assets: [store])
        let g = scene([node("d", numbers(["loc_x": 4, "loc_y": 4, "yaw": 90]), asset: AssetRef(store: "dot", index: 0))])
        let image = try r.render([g])[0].image
        let brightest = image.pixels.indices.max { image.pixels[$0] < image.pixels[$1] }!
        XCTAssertEqual(brightest % 8, 2, "x")
        XCTAssertEqual(brightest / 8, 2, "y")
        XCTAssertEqual(image.pixels[brightest], 1, accuracy: 1e-4)
    }

    func testRectangleWithPixelAlignedEdgesIsCrisp() throws {
        let r = try makeRenderer(12, 12)
        let g = scene([node("box", ["shape": .string("rectangle"), "loc_x": .number(6), "loc_y": .number(5), "size_x": .number(4), "size_y": .number(2), "intensity": .number(0.8)])])
        let image = try r.render([g])[0].image
        for y in 0..<12 {
            for x in 0..<12 {
                let expected: Float = (4..<8).contains(x) && (4..<6).contains(y) ? 0.8 : 0
                XCTAssertEqual(image.pixels[y * 12 + x], expected, accuracy: 1e-6, "pixel (\(x), \(y))")
            }
        }
    }

    func testSubPixelPositionShiftsCoverageLinearly() throws {
        let r = try makeRenderer(12, 12)
        func render(_ x: Double) throws -> [Float] {
            try r.render([scene([node("box", ["shape": .string("rect"), "loc_x": .number(x), "loc_y": .number(6), "size": .number(4)])])])[0].image.pixels
        }
        let shifted = try render(6.25)
        // Left edge at 4.25: pixel 4 (centre 4.5) is 0.75 covered; right edge at 8.25: pixel 8 is 0.25.
        XCTAssertEqual(shifted[6 * 12 + 4], 0.75, accuracy: 1e-6)
        XCTAssertEqual(shifted[6 * 12 + 8], 0.25, accuracy: 1e-6)
        XCTAssertNotEqual(try render(6.0), shifted)
    }

    func testBlendOverAndMax() throws {
        let r = try makeRenderer(4, 4)
        let bg = backdrop(numbers(["texture": 0.6]))
        func value(_ blend: String, opacity: Double) throws -> Float {
            let box = node("box", ["shape": .string("rect"), "size": .number(8), "intensity": .number(0.2),
                                   "opacity": .number(opacity), "blend": .string(blend)])
            return try r.render([scene([box], background: bg)])[0].image.pixels[5]
        }
        XCTAssertEqual(try value("over", opacity: 0.5), 0.5 * 0.2 + 0.5 * 0.6, accuracy: 1e-6)
        XCTAssertEqual(try value("max", opacity: 1), 0.6, accuracy: 1e-6)
    }

    func testRGBColourAndBackgroundKinds() throws {
        let r = try makeRenderer(16, 8, channels: 3)
        let grad = backdrop(["background": .string("gradient"), "color_r": .number(0), "end_color_r": .number(1),
                                       "color_g": .number(0.5), "color_b": .number(0.2)])
        let img = try r.render([scene([], background: grad)])[0].image
        XCTAssertLessThan(img.pixels[0], img.pixels[(4 * 16 + 15) * 3], "red grows left to right")
        XCTAssertEqual(img.pixels[1], 0.5, accuracy: 1e-6)
        let noise = backdrop(["background": .string("noise"), "intensity": .number(0.5), "noise_amplitude": .number(0.4),
                                        "noise_scale": .number(3)])
        let a = try r.render([scene([], background: noise)])[0].image.pixels
        XCTAssertEqual(a, try r.render([scene([], background: noise)])[0].image.pixels, "deterministic")
        XCTAssertTrue(a.allSatisfy { $0 >= 0.3 - 1e-6 && $0 <= 0.7 + 1e-6 })
        XCTAssertGreaterThan(Set(a).count, 10, "noise varies")
    }

    func testPolygonAndRoadDrawInsideTheirOutline() throws {
        let r = try makeRenderer(20, 20)
        let tri = node("box", ["shape": .string("polygon"), "points": .string("2,2 18,2 2,18")])
        let road = node("road", ["shape": .string("road"), "points": .string("0,15 20,15"), "width": .number(4)])
        let img = try r.render([scene([tri]), scene([road])]).map(\.image.pixels)
        XCTAssertEqual(img[0][5 * 20 + 5], 1, accuracy: 1e-6)
        XCTAssertEqual(img[0][15 * 20 + 15], 0, accuracy: 1e-6)
        XCTAssertEqual(img[1][15 * 20 + 10], 1, accuracy: 1e-6)
        XCTAssertEqual(img[1][12 * 20 + 10], 0, accuracy: 1e-6, "row 12 centre is 2.5 px from the axis, width 4")
    }

    func testBatchEqualsSingleRendersAndPixelsPathMatches() throws {
        let r = try makeRenderer()
        var rng = TestRandom(state: 9)
        let graphs = (0..<40).map { i in
            scene([node(i % 2 == 0 ? "3" : "7", numbers(["loc_x": rng.uniform(8, 24), "loc_y": rng.uniform(8, 24), "yaw": rng.uniform(-180, 180)]),
                        asset: AssetRef(store: "digits", index: i % 2))],
                  background: backdrop(numbers(["texture": rng.uniform(0, 0.5)])))
        }
        let batch = try r.render(graphs)
        for i in [0, 17, 39] { XCTAssertEqual(try r.render([graphs[i]])[0], batch[i]) }
        XCTAssertEqual(try r.renderPixels(graphs), batch.flatMap(\.image.pixels))
    }
}

final class BackgroundImageAndColourSpriteTests: XCTestCase {
    func testImageBackgroundStretchesAndColourSpriteUsesItsAlpha() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 24, height: 20, channels: 3), classes: ["badge"], assets: [colourStore])
        let bg = backdrop(["background": .string("image"), "intensity": .number(0.5)], asset: AssetRef(store: "colour", index: 0))
        let image = try r.render([scene([], background: bg)])[0].image
        // Stretched 2×: pixel (0, 0) samples texel (−0.25, −0.25) clamped to (0, 0): premultiplied red 0, green 0.
        XCTAssertEqual(image.pixels[2], 0.5 * 0.5 * colourSprite().pixels[3], accuracy: 1e-6, "blue = tint · alpha · 0.5")
        let badge = node("badge", numbers(["loc_x": 12, "loc_y": 10, "size_x": 12, "size_y": 10]), asset: AssetRef(store: "colour", index: 0))
        let drawn = try r.render([scene([badge])])[0]
        let sprite = colourSprite()
        // Natural size, centred: texel (x, y) lands on pixel (x + 6, y + 5), premultiplied colour.
        for (x, y) in [(5, 4), (2, 6), (0, 0)] {
            let s = (y * 12 + x) * 4, p = ((y + 5) * 24 + x + 6) * 3
            for c in 0..<3 { XCTAssertEqual(drawn.image.pixels[p + c], sprite.pixels[s + c] * sprite.pixels[s + 3], accuracy: 1e-5) }
        }
        XCTAssertEqual(drawn.groundTruth.objects[0].visiblePixels, sprite.pixels.enumerated().filter { $0.offset % 4 == 3 && $0.element >= 0.5 }.count)
    }
}

final class ValueNoiseTests: XCTestCase {
    func testNoisePlaneEqualsPointwiseNoiseAndStaysInRange() {
        for (w, h, cell) in [(37, 23, Float(5)), (16, 16, 16), (9, 4, 0.7)] {
            let plane = valueNoisePlane(width: w, height: h, cell: cell, seed: 42)
            for y in 0..<h {
                for x in 0..<w {
                    let v = valueNoise((Float(x) + 0.5) / cell, (Float(y) + 0.5) / cell, seed: 42)
                    XCTAssertEqual(plane[y * w + x], v, accuracy: 1e-6)
                    XCTAssertTrue(v >= 0 && v <= 1)
                }
            }
        }
        XCTAssertNotEqual(valueNoisePlane(width: 8, height: 8, cell: 3, seed: 1), valueNoisePlane(width: 8, height: 8, cell: 3, seed: 2))
    }
}
