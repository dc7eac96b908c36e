import Foundation
import Codecs
import Diagnostics
import Scene
import XCTest
@testable import Render

final class GroundTruthTests: XCTestCase {
    /// A 6×4 sprite whose alpha ≥ 0.5 exactly on texels x 1...4, y 1...2 (a 4×2 block).
    let block: MemoryAssetStore = {
        var px = [Float](repeating: 0.2, count: 6 * 4)
        for y in 1...2 { for x in 1...4 { px[y * 6 + x] = 1 } }
        return MemoryAssetStore(name: "block", images: [Image(width: 6, height: 4, channels: 1, pixels: px)], labels: ["b"])
    }()

    func renderer() throws -> CompositorRenderer {
        try CompositorRenderer(canvas: Canvas(width: 16, height: 12), classes: ["b", "box"], assets: [block])
    }

    func sprite(_ x: Double, _ y: Double) -> SceneNode {
        node("b", numbers(["loc_x": x, "loc_y": y]), asset: AssetRef(store: "block", index: 0))
    }

    func testBoxAndMasksOfAKnownSprite() throws {
        // Centre (8, 6): sprite texel (0, 0) lands on pixel (5, 4), so the block is x 6...9, y 5...6.
        let out = try renderer().render([scene([sprite(8, 6)])])[0].groundTruth
        XCTAssertEqual(out.objects.count, 1)
        let o = out.objects[0]
        XCTAssertEqual(o.bbox, BoundingBox(x: 6, y: 5, width: 4, height: 2))
        XCTAssertEqual(o.visiblePixels, 8)
        XCTAssertEqual(o.visibleFraction, 1)
        XCTAssertFalse(o.outsideCanvas)
        XCTAssertEqual(o.node, 1)
        XCTAssertEqual(o.className, "b")
        for y in 0..<12 {
            for x in 0..<16 {
                let inBlock = (6...9).contains(x) && (5...6).contains(y)
                XCTAssertEqual(out.instanceMask[y * 16 + x], inBlock ? 1 : 0, "(\(x), \(y))")
                XCTAssertEqual(out.semanticMask[y * 16 + x], inBlock ? 1 : 0, "(\(x), \(y))")
            }
        }
    }

    func testOcclusionCroppingAndOutsideCanvas() throws {
        let cover = node("box", ["shape": .string("rect"), "loc_x": .number(9), "loc_y": .number(6), "size_x": .number(2), "size_y": .number(8)])
        let graph = scene([sprite(8, 6), cover, sprite(1, 1), sprite(40, 40)])
        let gt = try renderer().render([graph])[0].groundTruth
        XCTAssertEqual(gt.objects.map(\.instanceId), [1, 2, 3, 4])
        // The box (x 8...9) hides half of the first block.
        XCTAssertEqual(gt.objects[0].visiblePixels, 4)
        XCTAssertEqual(gt.objects[0].visibleFraction, 0.5, accuracy: 1e-12)
        XCTAssertEqual(gt.objects[0].bbox, BoundingBox(x: 6, y: 5, width: 2, height: 2))
        XCTAssertEqual(gt.semanticMask[6 * 16 + 8], 2, "box class")
        // Centre (1, 1): texel (0, 0) lands on pixel (-2, -1), the block on x -1...2, y 0...1:
        // one column of two pixels falls off the canvas.
        let cropped = gt.objects[2]
        XCTAssertEqual(cropped.visibleFraction, 0.75, accuracy: 1e-12)
        XCTAssertEqual(cropped.bbox, BoundingBox(x: 0, y: 0, width: 3, height: 2))
        XCTAssertFalse(cropped.outsideCanvas)
        let away = gt.objects[3]
        XCTAssertTrue(away.outsideCanvas)
        XCTAssertNil(away.bbox)
        XCTAssertEqual(away.visiblePixels, 0)
        XCTAssertEqual(away.node, 4)
    }

    /// Blocks off the right edge and off the bottom-right corner: the covered pixels beyond the
    /// canvas are counted right of it on canvas rows and across rows below it.
    func testSpritesCutByTheRightAndBottomEdges() throws {
        // Centre (15, 11): the block on x 13...16, y 10...11; column 16 is off the canvas.
        // Centre (15, 12): x 13...16, y 11...12; only x 13...15 on row 11 remain (3 of 8).
        let gt = try renderer().render([scene([sprite(15, 11)]), scene([sprite(15, 12)])]).map { $0.groundTruth.objects[0] }
        XCTAssertEqual(gt[0].visibleFraction, 0.75, accuracy: 1e-12)
        XCTAssertEqual(gt[0].bbox, BoundingBox(x: 13, y: 10, width: 3, height: 2))
        XCTAssertEqual(gt[1].visibleFraction, 3.0 / 8, accuracy: 1e-12)
        XCTAssertEqual(gt[1].bbox, BoundingBox(x: 13, y: 11, width: 3, height: 1))
    }

    func testHugeObjectsGetAnEstimatedFractionQuickly() throws {
        // 3000 × 2000 px rectangle: 6,000,000 covered pixels, 16 × 12 of them on the canvas.
        let big = node("box", ["shape": .string("rect"), "loc_x": .number(8), "loc_y": .number(6), "size_x": .number(3000), "size_y": .number(2000)])
        let start = Date()
        let o = try renderer().render([scene([big])])[0].groundTruth.objects[0]
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(o.visiblePixels, 16 * 12)
        XCTAssertEqual(o.visibleFraction, 192.0 / 6_000_000, accuracy: 0.02 * 192.0 / 6_000_000)
    }

    /// Shapes spanning 64 rows or more count every second row beyond the canvas; the covered
    /// count they give stays within 1 % of the exact one (the same shape rendered whole on a
    /// canvas large enough to hold it), and shorter shapes stay exact.
    func testTallShapesCountEverySecondRowBeyondTheCanvas() throws {
        let road = node("road", ["shape": .string("road"), "points": .string("-40,-90 30,20 70,150"), "width": .number(17.3)])
        let ellipse = node("road", ["shape": .string("ellipse"), "loc_x": .number(2), "loc_y": .number(3), "yaw": .number(31),
                                    "size_x": .number(41), "size_y": .number(23)])
        func covered(_ n: SceneNode, canvas: Canvas, shift: Double) throws -> (visible: Int, fraction: Double) {
            var shifted = n
            if case .string(let p)? = n.attributes["points"] {
                shifted.attributes["points"] = .string(p.split(separator: " ").map { pair in
                    let xy = pair.split(separator: ",").map { Double($0)! + shift }
                    return "\(xy[0]),\(xy[1])"
                }.joined(separator: " "))
            } else {
                shifted.attributes["loc_x"] = .number(try XCTUnwrap(n.number("loc_x")) + shift)
                shifted.attributes["loc_y"] = .number(try XCTUnwrap(n.number("loc_y")) + shift)
            }
            let r = try CompositorRenderer(canvas: canvas, classes: ["road"])
            let o = try r.render([scene([shifted])])[0].groundTruth.objects[0]
            return (o.visiblePixels, o.visibleFraction)
        }
        // Whole on a 400 × 400 canvas (shifted by 200 px): every covered pixel is visible.
        let exactRoad = try covered(road, canvas: Canvas(width: 400, height: 400), shift: 200)
        let cutRoad = try covered(road, canvas: Canvas(width: 64, height: 64), shift: 0)
        XCTAssertEqual(exactRoad.fraction, 1)
        let exactFraction = Double(cutRoad.visible) / Double(exactRoad.visible)
        XCTAssertGreaterThan(exactFraction, 0.1)
        XCTAssertLessThan(exactFraction, 0.9)
        XCTAssertEqual(cutRoad.fraction, exactFraction, accuracy: 0.01 * exactFraction)
        // 23 × 41 px, fewer than 64 rows: exact.
        let exactEllipse = try covered(ellipse, canvas: Canvas(width: 400, height: 400), shift: 200)
        let cutEllipse = try covered(ellipse, canvas: Canvas(width: 64, height: 64), shift: 0)
        XCTAssertEqual(cutEllipse.fraction, Double(cutEllipse.visible) / Double(exactEllipse.visible), accuracy: 1e-12)
    }

    func testBackgroundIsNotAnObject() throws {
        let bg = backdrop(numbers(["texture": 0.9]))
        let gt = try renderer().render([scene([sprite(8, 6)], background: bg)])[0].groundTruth
        XCTAssertEqual(gt.objects.count, 1)
        XCTAssertEqual(gt.objects[0].node, 2)
        XCTAssertEqual(gt.instanceMask.filter { $0 != 0 }.count, 8)
    }
}

final class RenderInputErrorTests: XCTestCase {
    func assertInputError(_ body: @autoclosure () throws -> Any, path: String, _ contains: String, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard let e = error as? InputError else { return XCTFail("not an InputError: \(error)", line: line) }
            XCTAssertEqual(e.path, path, line: line)
            XCTAssertTrue(e.message.contains(contains), "\(e.message)", line: line)
        }
    }

    func testBadInputsThrowClearErrors() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 8, height: 8), classes: ["box", "3"], assets: [digitStore])
        assertInputError(try r.render([scene([node("box", ["shape": .string("hexagon")])])]), path: "nodes[1].attributes.shape", "unknown shape")
        assertInputError(try r.render([scene([node("box", ["shape": .string("rect"), "loc_x": .number(.nan)])])]), path: "nodes[1].attributes.loc_x", "finite")
        assertInputError(try r.render([scene([node("box", ["shape": .string("rect"), "yaw": .string("up")])])]), path: "nodes[1].attributes.yaw", "number")
        assertInputError(try r.render([scene([node("car", ["shape": .string("rect")])])]), path: "nodes[1].class", "class list")
        assertInputError(try r.render([scene([node("3", [:], asset: AssetRef(store: "nope", index: 0))])]), path: "nodes[1].asset", "no asset store")
        assertInputError(try r.render([scene([node("3", [:], asset: AssetRef(store: "digits", index: 99))])]), path: "nodes[1].asset", "out of range")
        assertInputError(try r.render([scene([node("box", ["shape": .string("polygon"), "points": .string("1,1 2")])])]), path: "nodes[1].attributes.points", "x,y")
        assertInputError(try r.render([scene([node("box", ["shape": .string("rect"), "blend": .string("add")])])]), path: "nodes[1].attributes.blend", "unknown blend")
        XCTAssertThrowsError(try CompositorRenderer(canvas: Canvas(width: 0, height: 8), classes: []))
        XCTAssertThrowsError(try CompositorRenderer(canvas: Canvas(width: 8, height: 8, channels: 2), classes: []))
    }

    func testErrorNamesTheGraphInTheBatch() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 8, height: 8), classes: ["box"])
        let good = scene([node("box", ["shape": .string("rect")])])
        let bad = scene([node("box", ["shape": .string("star")])])
        XCTAssertThrowsError(try r.render([good, good, bad, bad])) { error in
            XCTAssertEqual((error as? InputError)?.file, "graph 2")
        }
    }

    func testZeroSizeObjectsDrawNothingAndAreNotOutside() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 8, height: 8), classes: ["box"])
        let out = try r.render([scene([node("box", ["shape": .string("rect"), "size": .number(0)])])])[0]
        XCTAssertTrue(out.image.pixels.allSatisfy { $0 == 0 })
        XCTAssertFalse(out.groundTruth.objects[0].outsideCanvas)
        XCTAssertEqual(out.groundTruth.objects[0].visibleFraction, 0)
    }
}

/// The per-id pass (`GroundTruthBuilder.measure(id:in:…)`, used for few objects) against the
/// run-by-run pass over all ids (two kernels of CMaskMeasure): the same counts and boxes on random
/// masks of widths on and off the kernels' 8-value step, with ids scattered, in runs of 1-20
/// values, on the first and last columns, and absent.
final class GroundTruthMeasureTests: XCTestCase {
    func testPerIdPassEqualsTheRunByRunPass() {
        var state: UInt64 = 11
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        for (width, height) in [(1, 1), (7, 3), (16, 2), (17, 5), (32, 32), (33, 9), (128, 40)] {
            for trial in 0..<7 {
                let ids = 4
                var mask = [UInt16](repeating: 0, count: width * height)
                if trial == 6 {
                    // Runs of 1-20 values of ids 0-3, crossing rows and the kernels' 8-value steps.
                    var p = 0
                    while p < mask.count {
                        let id = UInt16(next() % 4), length = 1 + Int(next() % 20)
                        for q in p..<min(p + length, mask.count) { mask[q] = id }
                        p += length
                    }
                }
                for p in mask.indices where trial < 6 && next() % UInt64(3 + trial) == 0 { mask[p] = UInt16(1 + next() % 2) }
                if trial == 5 { for y in 0..<height { mask[y * width] = 3; mask[y * width + width - 1] = 3 } }
                func run(_ perId: Bool) -> (visible: [Int], box: [SIMD4<Int32>]) {
                    var visible = [Int](repeating: 0, count: ids + 1)
                    var box = [SIMD4<Int32>](repeating: SIMD4(Int32.max, Int32.max, -1, -1), count: ids + 1)
                    mask.withUnsafeBufferPointer { m in
                        visible.withUnsafeMutableBufferPointer { v in
                            box.withUnsafeMutableBufferPointer { b in
                                if perId {
                                    for id in 1...ids { GroundTruthBuilder.measure(id: UInt16(id), in: m.baseAddress!, width: width, height: height, visible: v, box: b) }
                                } else {
                                    GroundTruthBuilder.measure(m.baseAddress!, width: width, height: height, visible: v, box: b)
                                }
                            }
                        }
                    }
                    return (visible, box)
                }
                let (a, b) = (run(true), run(false))
                XCTAssertEqual(a.visible, b.visible, "\(width)x\(height) trial \(trial)")
                XCTAssertEqual(a.box, b.box, "\(width)x\(height) trial \(trial)")
                XCTAssertEqual(a.visible[4], 0, "id 4 is absent")
            }
        }
    }

    /// A mask of one id with more pixels than 16 bits count (16 × 70,000): every pixel counted,
    /// the box over all of it.
    func testPerIdPassCountsALargeMask() {
        let (width, height) = (16, 70_000)
        let mask = [UInt16](repeating: 1, count: width * height)
        var visible = [0, 0]
        var box = [SIMD4<Int32>](repeating: SIMD4(Int32.max, Int32.max, -1, -1), count: 2)
        mask.withUnsafeBufferPointer { m in
            visible.withUnsafeMutableBufferPointer { v in
                box.withUnsafeMutableBufferPointer { b in
                    GroundTruthBuilder.measure(id: 1, in: m.baseAddress!, width: width, height: height, visible: v, box: b)
                }
            }
        }
        XCTAssertEqual(visible[1], width * height)
        XCTAssertEqual(box[1], SIMD4(0, 0, 15, 69_999))
    }
}
