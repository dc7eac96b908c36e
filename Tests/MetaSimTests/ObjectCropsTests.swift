import Render
import Tensor
import XCTest
@testable import MetaSim

final class ObjectCropsTests: XCTestCase {
    /// Ground truth of a 16×12 image whose objects cover the given pixel rectangles (x, y, w, h).
    func truth(_ objects: [(String, [Int])]) -> GroundTruth {
        var mask = [UInt16](repeating: 0, count: 16 * 12)
        for (k, o) in objects.enumerated() where !o.1.isEmpty {
            for y in o.1[1]..<(o.1[1] + o.1[3]) { for x in o.1[0]..<(o.1[0] + o.1[2]) { mask[y * 16 + x] = UInt16(k + 1) } }
        }
        return GroundTruth(width: 16, height: 12, objects: objects.enumerated().map { k, o in
            ObjectAnnotation(node: k, className: o.0, instanceId: k + 1, bbox: nil, visiblePixels: 1, visibleFraction: 1, outsideCanvas: false)
        }, instanceMask: mask, semanticMask: [])
    }

    /// Windows centre on each visible object's centroid and shift inside the canvas.
    func testWindowsCentreOnObjectsAndStayInside() {
        let crops = ObjectCrops(classes: ["car"], size: 6)
        let windows = crops.windows([
            truth([("car", [5, 4, 3, 2]), ("tree", [0, 0, 2, 2])]),
            truth([("car", []), ("car", [0, 0, 2, 2]), ("car", [13, 9, 3, 3])]),
        ], width: 16, height: 12)
        // Centroid (6.5, 5) in pixel-centre units → top-left 6.5 − 3 = 3.5, 5 − 3 = 2.
        XCTAssertEqual(windows, [.init(image: 0, x: 3.5, y: 2, node: 0), .init(image: 1, x: 0, y: 0, node: 1, follows: (false, false)),
                                 .init(image: 1, x: 10, y: 6, node: 2, follows: (false, false))])
    }

    /// The window term: d(crop)/d(window place), routed to `Motion.output` through the centroid
    /// derivatives, matches central differences of the bilinear crop.
    func testWindowMoveGradientMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 4)
        let images = Tensor.uniform([1, 2, 12, 16], rng: &rng)
        let crops = ObjectCrops(classes: ["car"], size: 5)
        let weights = Tensor.uniform([1, 2, 5, 5], rng: &rng)
        func loss(_ x: Float, _ y: Float) -> Double {
            let out = crops.crops(of: images, at: [.init(image: 0, x: x, y: y, node: 0)])
            return zip(out.data, weights.data).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        let output = Tensor(shape: [1, 1, 2], data: [0, 0]).requiringGrad()
        let motion = ObjectCrops.Motion(output: output, centreDerivatives: [[0: [(column: 0, dx: 1, dy: 0), (column: 1, dx: 0.5, dy: 2)]]])
        let out = crops.crops(of: images, at: [.init(image: 0, x: 4.3, y: 3.6, node: 0)], motion: motion)
        let g = gradients(of: (out * weights).sum(), wrt: [output])[0]
        let h: Float = 0.05
        let dx = (loss(4.3 + h, 3.6) - loss(4.3 - h, 3.6)) / Double(2 * h)
        let dy = (loss(4.3, 3.6 + h) - loss(4.3, 3.6 - h)) / Double(2 * h)
        XCTAssertEqual(Double(g.data[0]), dx, accuracy: 1e-3 + 1e-3 * abs(dx))
        XCTAssertEqual(Double(g.data[1]), 0.5 * dx + 2 * dy, accuracy: 1e-3 + 1e-3 * abs(dy))
        XCTAssertGreaterThan(abs(dx), 1e-2)
    }

    /// Crops copy their windows; the backward pass adds each crop's gradient into its window
    /// (checked against finite differences, overlapping windows included).
    func testCropsAndTheirGradient() {
        var rng = SplitMix64(seed: 3)
        let images = Tensor.uniform([2, 2, 12, 16], rng: &rng)
        let crops = ObjectCrops(classes: ["car"], size: 6)
        let windows: [ObjectCrops.Window] = [.init(image: 0, x: 4, y: 2), .init(image: 1, x: 0, y: 0), .init(image: 1, x: 3, y: 1)]
        let out = crops.crops(of: images, at: windows)
        XCTAssertEqual(out.shape, [3, 2, 6, 6])
        // Crop 2, channel 1, row 4, column 5 is image 1, channel 1, row 5, column 8.
        let cropIndex: Int = ((2 * 2 + 1) * 6 + 4) * 6 + 5
        let imageIndex: Int = ((1 * 2 + 1) * 12 + 5) * 16 + 8
        XCTAssertEqual(out.data[cropIndex], images.data[imageIndex])
        let check = checkGradients([images], maxElements: 384) { crops.crops(of: $0[0], at: windows) * 1.5 }
        XCTAssertTrue(check.passed, check.description)
    }

    /// `anchor: .frame` centres a window on the object's frame anchor and turns it with the
    /// anchor's direction; objects without one fall back to their centroid.
    func testFrameWindowsCentreOnTheAnchorAndTurnWithIt() {
        var t = truth([("car", [5, 4, 3, 2]), ("car", [10, 2, 2, 2]), ("car", [0, 5, 2, 2])])
        t.objects[0].frameAnchor = FrameAnchor(x: 8, y: 6.5, rotation: 0.3)
        t.objects[2].frameAnchor = FrameAnchor(x: 1, y: 6, rotation: 0)  // a road along x: turned by 0, not clamped
        let windows = ObjectCrops(classes: ["car"], size: 6, anchor: .frame).windows([t], width: 16, height: 12)
        XCTAssertEqual(windows, [.init(image: 0, x: 5, y: 3.5, angle: 0.3, node: 0), .init(image: 0, x: 8, y: 0, node: 1),
                                 .init(image: 0, x: -2, y: 3, angle: 0, node: 2)])
    }

    /// With `extent`, a window on an anchor with a scale spans `extent` metres: image px per crop
    /// px `extent · scale / size`; anchors without a scale, and crops without `extent`, keep 1.
    /// A scale-2 window turned by 0 reads every second image pixel around its centre.
    func testWindowsSpanTheirExtentAtTheAnchorsScale() {
        var t = truth([("car", [5, 4, 3, 2]), ("car", [10, 2, 2, 2])])
        t.objects[0].frameAnchor = FrameAnchor(x: 8, y: 6.5, rotation: 0, scale: 4)
        t.objects[1].frameAnchor = FrameAnchor(x: 11, y: 3, rotation: 0.5)
        let crops = ObjectCrops(classes: ["car"], size: 5, anchor: .frame, extent: 2.5)
        let windows = crops.windows([t], width: 16, height: 12)
        XCTAssertEqual(windows.map(\.scale), [2, 1])
        XCTAssertEqual(ObjectCrops(classes: ["car"], size: 5, anchor: .frame).windows([t], width: 16, height: 12).map(\.scale), [1, 1])
        var rng = SplitMix64(seed: 9)
        let images = Tensor.uniform([1, 1, 12, 16], rng: &rng)
        // Centre at pixel index (7.5, 6): crop (row, col) samples (7.5 + 2·(col − 2), 6 + 2·(row − 2)), clamped.
        let out = crops.crops(of: images, at: [windows[0]])
        for row in 0..<5 { for col in 0..<5 {
            let (u, v) = (min(15, max(0, 7.5 + 2 * Float(col - 2))), min(11, max(0, 6 + 2 * Float(row - 2))))
            let (x0, y0) = (Int(u), Int(v)), fx = u - Float(Int(u))
            let x1 = min(15, x0 + 1)
            let expected = images.data[y0 * 16 + x0] * (1 - fx) + images.data[y0 * 16 + x1] * fx
            XCTAssertEqual(out.data[row * 5 + col], expected, accuracy: 1e-5, "(\(row), \(col))")
        } }
        let check = checkGradients([images], maxElements: 192) { crops.crops(of: $0[0], at: windows) * 1.5 }
        XCTAssertTrue(check.passed, check.description)
    }

    /// A window turned by 90° counter-clockwise on screen reads the image's columns bottom-up:
    /// crop pixel (row, col) is image pixel (centre + col offset · (0, −1) + row offset · (1, 0)).
    /// Samples past the canvas take the edge pixel; the backward pass is the crop's transpose.
    func testTurnedCropsSampleTheTurnedWindowAndTheirGradient() {
        var rng = SplitMix64(seed: 5)
        let images = Tensor.uniform([1, 1, 12, 16], rng: &rng)
        let crops = ObjectCrops(classes: ["car"], size: 5)
        // Centre at index (7, 5): top-left 7 − 2, 5 − 2.
        let out = crops.crops(of: images, at: [.init(image: 0, x: 5, y: 3, angle: .pi / 2)])
        for row in 0..<5 { for col in 0..<5 {
            let (a, b) = (col - 2, row - 2)
            let (x, y) = (7 + b, 5 - a)
            XCTAssertEqual(out.data[row * 5 + col], images.data[y * 16 + x], accuracy: 1e-5, "(\(row), \(col))")
        } }
        let edge = crops.crops(of: images, at: [.init(image: 0, x: -6, y: 8, angle: .pi)])
        XCTAssertEqual(edge.data[0], images.data[11 * 16 + 0], accuracy: 1e-5)  // (−2, 12) ↦ clamped to (0, 11)
        let windows: [ObjectCrops.Window] = [.init(image: 0, x: 4.2, y: 3.7, angle: 0.4), .init(image: 0, x: 6, y: 5, angle: -2)]
        let check = checkGradients([images], maxElements: 192) { crops.crops(of: $0[0], at: windows) * 1.5 }
        XCTAssertTrue(check.passed, check.description)
    }
}
