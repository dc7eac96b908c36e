import Foundation
import Render
import Render3D
import Scene
import XCTest

final class GroundTruth3DTests: XCTestCase {
    /// Every visible box is the tight box of its instance-mask pixels; semantic ids follow the
    /// instances' classes; pixel counts match the mask.
    func testBoxesAreTheTightBoxesOfTheMasks() throws {
        var b = SceneBuilder()
        b.lanes = 3
        b.cars = [["along": 12, "lane": 0, "heading": 20], ["along": 18, "lane": 1, "offset": 0.5],
                  ["along": 8, "lane": 2, "heading": -15], ["along": 30, "lane": 1]]
        let truth = try SceneBuilder.renderer().render([b.graph()])[0].groundTruth
        let w = truth.width
        XCTAssertEqual(truth.objects.count, 5)   // road + 4 cars
        for object in truth.objects {
            var lo = (Int.max, Int.max), hi = (-1, -1), count = 0
            for (p, id) in truth.instanceMask.enumerated() where Int(id) == object.instanceId {
                count += 1
                lo = (min(lo.0, p % w), min(lo.1, p / w)); hi = (max(hi.0, p % w), max(hi.1, p / w))
                XCTAssertEqual(Int(truth.semanticMask[p]), SceneBuilder.classes.firstIndex(of: object.className)! + 1)
            }
            XCTAssertEqual(object.visiblePixels, count)
            XCTAssertGreaterThan(count, 0, "object \(object.node) should be visible")
            XCTAssertEqual(object.bbox, BoundingBox(x: lo.0, y: lo.1, width: hi.0 - lo.0 + 1, height: hi.1 - lo.1 + 1))
            // The full-extent box contains the visible box.
            let full = try XCTUnwrap(object.fullBBox), box = try XCTUnwrap(object.bbox)
            XCTAssertLessThanOrEqual(full.x, box.x); XCTAssertLessThanOrEqual(full.y, box.y)
            XCTAssertGreaterThanOrEqual(full.x + full.width, box.x + box.width)
            XCTAssertGreaterThanOrEqual(full.y + full.height, box.y + box.height)
        }
        for (p, id) in truth.instanceMask.enumerated() where id == 0 { XCTAssertEqual(truth.semanticMask[p], 0) }
    }

    /// One car behind another in the same lane: the far one is mostly hidden, the near one not
    /// at all; alone, the far one is unoccluded and shows more pixels.
    func testOcclusionOfACarBehindAnother() throws {
        var b = SceneBuilder()
        b.camera = ["height": 2.2, "pitch": 4, "fov": 80]   // above the cars: the far one's roof shows
        b.cars = [["along": 10], ["along": 16]]
        let r = try SceneBuilder.renderer()
        let both = try r.render([b.graph()])[0].groundTruth
        let near = try XCTUnwrap(SceneBuilder.object(both, node: b.carNode(0)))
        let far = try XCTUnwrap(SceneBuilder.object(both, node: b.carNode(1)))
        XCTAssertEqual(try XCTUnwrap(near.occlusion), 0, accuracy: 1e-9)
        XCTAssertGreaterThan(try XCTUnwrap(far.occlusion), 0.5)
        XCTAssertLessThan(try XCTUnwrap(far.occlusion), 1)
        var alone = b
        alone.cars = [["along": 16]]
        let single = try r.render([alone.graph()])[0].groundTruth
        let farAlone = try XCTUnwrap(SceneBuilder.object(single, node: alone.carNode(0)))
        XCTAssertEqual(try XCTUnwrap(farAlone.occlusion), 0, accuracy: 1e-9)
        // visible / (1 − occlusion) is the pixel count alone: the same with and without the occluder.
        let implied = Double(far.visiblePixels) / (1 - far.occlusion!)
        XCTAssertEqual(implied, Double(farAlone.visiblePixels), accuracy: 1)
        XCTAssertEqual(far.fullBBox, farAlone.fullBBox)
    }

    /// The depth map on the bare ground equals the analytic ray–plane intersection.
    func testDepthOfTheGroundPlane() throws {
        var b = SceneBuilder()
        b.camera = ["height": 1.7, "pitch": 6, "fov": 70]
        b.road = ["lateral": 40]     // the road is far to the right: the pixels below are grass
        let truth = try SceneBuilder.renderer().render([b.graph()])[0].groundTruth
        let depth = try XCTUnwrap(truth.depth)
        let w = 128.0, h = 64.0
        let f = (w / 2) / tan(35 * Double.pi / 180), pitch = 6 * Double.pi / 180
        for (x, y) in [(20, 50), (64, 40), (100, 63)] {
            // Ray (xn, yn, 1) in camera coordinates; its world-down component is yn·cos p + sin p.
            let yn = (Double(y) + 0.5 - h / 2) / f
            let expected = 1.7 / (yn * cos(pitch) + sin(pitch))
            XCTAssertEqual(Double(depth[y * 128 + x]), expected, accuracy: 1e-4 * expected, "pixel \(x),\(y)")
        }
        // The top row looks at the sky: no depth.
        XCTAssertEqual(depth[5], 0)
    }

    /// A car half out of the left edge is truncated (its full box starts left of the canvas);
    /// one in the middle is not; one behind the camera is outside the canvas.
    func testTruncationAtTheImageEdge() throws {
        var b = SceneBuilder()
        b.lanes = 4
        b.road = ["lateral": 0]
        b.cars = [["along": 6, "lane": 0, "offset": -1.2], ["along": 20, "lane": 2], ["along": -10, "lane": 1]]
        let truth = try SceneBuilder.renderer().render([b.graph()])[0].groundTruth
        let edge = try XCTUnwrap(SceneBuilder.object(truth, node: b.carNode(0)))
        let middle = try XCTUnwrap(SceneBuilder.object(truth, node: b.carNode(1)))
        let behind = try XCTUnwrap(SceneBuilder.object(truth, node: b.carNode(2)))
        XCTAssertLessThan(try XCTUnwrap(edge.fullBBox).x, 0)
        XCTAssertEqual(edge.bbox?.x, 0)
        XCTAssertGreaterThan(try XCTUnwrap(edge.truncation), 0.05)
        XCTAssertLessThan(try XCTUnwrap(edge.truncation), 0.95)
        XCTAssertEqual(try XCTUnwrap(middle.truncation), 0, accuracy: 1e-12)
        XCTAssertFalse(middle.outsideCanvas)
        XCTAssertTrue(behind.outsideCanvas)
        XCTAssertNil(behind.bbox)
        XCTAssertEqual(behind.truncation, 1)
    }

    /// KITTI box of a car straight ahead: bottom centre at (lane offset, camera height, along),
    /// rotation_y = −π/2; a car turned 90° right has rotation_y = 0... wrapped into [−π, π).
    func testBox3DInCameraCoordinates() throws {
        var b = SceneBuilder()
        b.camera["pitch"] = 5   // the box is in the level frame: pitch does not change it
        b.cars = [["along": 20, "offset": 0.4, "length": 4.5, "width": 1.8, "height": 1.5], ["along": 30, "heading": 90]]
        let truth = try SceneBuilder.renderer().render([b.graph()])[0].groundTruth
        let box = try XCTUnwrap(SceneBuilder.object(truth, node: b.carNode(0))?.box3D)
        XCTAssertEqual(box.x, 0.4, accuracy: 1e-5)
        XCTAssertEqual(box.y, 1.5, accuracy: 1e-5)
        XCTAssertEqual(box.z, 20, accuracy: 1e-4)
        XCTAssertEqual([box.height, box.width, box.length], [1.5, 1.8, 4.5].map { Double(Float($0)) })
        XCTAssertEqual(box.rotationY, -Double.pi / 2, accuracy: 1e-6)
        let turned = try XCTUnwrap(SceneBuilder.object(truth, node: b.carNode(1))?.box3D)
        XCTAssertEqual(turned.rotationY, 0, accuracy: 1e-6)
        XCTAssertNil(SceneBuilder.object(truth, node: 3)?.box3D)   // the road is flat
    }

    /// A car's frame anchor is its lane's centre at `along`, half the car's height up, projected
    /// (px), the lane's direction on screen (straight ahead: up, π/2) and the scale there (focal
    /// length / depth, px per metre); the car's own offset and heading do not move it. A car of
    /// the second lane of two has its anchor half a lane right of the road's centre.
    func testCarFrameAnchorIsItsPlaceInTheLane() throws {
        let renderer = try SceneBuilder.renderer()
        let focal = Double(Float(SceneBuilder.canvas.width) / 2 / tan(Float(80) * .pi / 360))
        var anchors: [FrameAnchor] = []
        for (offset, heading) in [(0.0, 0.0), (0.9, 25.0), (-0.7, -40.0)] {
            var b = SceneBuilder()
            b.lanes = 2
            b.road["lane_width"] = 3.5
            b.cars = [["along": 20, "offset": offset, "heading": heading, "height": 1.5, "lane": 1]]
            let truth = try renderer.render([b.graph()])[0].groundTruth
            anchors.append(try XCTUnwrap(SceneBuilder.object(truth, node: b.carNode(0))?.frameAnchor))
        }
        let a = anchors[0]
        // Camera at height 1.5, pitch 0: the point (1.75, 0.75, 20) is 1.75 m right, 0.75 m below, 20 m ahead.
        XCTAssertEqual(a.x, 64 + focal * 1.75 / 20, accuracy: 1e-3)
        XCTAssertEqual(a.y, 32 + focal * 0.75 / 20, accuracy: 1e-3)
        XCTAssertEqual(try XCTUnwrap(a.scale), focal / 20, accuracy: 1e-4)
        // One metre further the point is at (64 + f·1.75/21, 32 + f·0.75/21): up and to the left.
        XCTAssertEqual(a.rotation, atan2(focal * 0.75 * (1.0 / 20 - 1.0 / 21), -focal * 1.75 * (1.0 / 20 - 1.0 / 21)), accuracy: 1e-4)
        XCTAssertEqual(anchors[1], a)
        XCTAssertEqual(anchors[2], a)
        var behind = SceneBuilder()
        behind.cars = [["along": -5]]
        let truth = try renderer.render([behind.graph()])[0].groundTruth
        XCTAssertNil(SceneBuilder.object(truth, node: behind.carNode(0))?.frameAnchor, "a lane point behind the camera has no anchor")
        XCTAssertNil(SceneBuilder.object(truth, node: 3)?.frameAnchor, "roads have no parent frame")
    }

    /// Bad graphs are `InputError`s that say where.
    func testBadGraphsAreInputErrors() throws {
        var b = SceneBuilder()
        b.cars = [["along": 10]]
        var g = b.graph()
        g.nodes[b.carNode(0)].attributes["model"] = .string("boat")
        XCTAssertThrowsError(try SceneBuilder.renderer().render([g])) { error in
            XCTAssertTrue("\(error)".contains("nodes[\(b.carNode(0))].attributes.model"), "\(error)")
        }
        var h = b.graph()
        h.nodes[2].attributes["fov"] = .number(200)
        XCTAssertThrowsError(try SceneBuilder.renderer().render([h]))
        XCTAssertThrowsError(try Renderer3D(canvas: Canvas(width: 8, height: 8, channels: 2), classes: []))
    }
}

final class Visibility3DTests: XCTestCase {
    /// `visible: false` on a lane hides its cars (no annotation); on the road, everything on it.
    func testHiddenNodesHideTheirChildren() throws {
        var b = SceneBuilder()
        b.cars = [["along": 10]]
        var g = b.graph()
        g.nodes[4].attributes["visible"] = .bool(false)     // the lane
        let truth = try SceneBuilder.renderer().render([g])[0].groundTruth
        XCTAssertEqual(truth.objects.map(\.className), ["road"])
        g.nodes[3].attributes["visible"] = .bool(false)     // the road
        XCTAssertEqual(try SceneBuilder.renderer().render([g])[0].groundTruth.objects.count, 0)
    }
}
