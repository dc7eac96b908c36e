import Render
import Tensor
import XCTest
@testable import MetaSim

final class ObjectCropsTests: XCTestCase {
    func truth(_ boxes: [(String, BoundingBox?)]) -> GroundTruth {
        GroundTruth(width: 16, height: 12, objects: boxes.enumerated().map { k, b in
            ObjectAnnotation(node: k, className: b.0, instanceId: k + 1, bbox: b.1, visiblePixels: 1, visibleFraction: 1, outsideCanvas: false)
        }, instanceMask: [], semanticMask: [])
    }

    /// Windows centre on each visible object of the classes and shift inside the canvas.
    func testWindowsCentreOnObjectsAndStayInside() {
        let crops = ObjectCrops(classes: ["car"], size: 6)
        let windows = crops.windows([
            truth([("car", BoundingBox(x: 5, y: 4, width: 4, height: 2)), ("tree", BoundingBox(x: 0, y: 0, width: 2, height: 2))]),
            truth([("car", nil), ("car", BoundingBox(x: 0, y: 0, width: 2, height: 2)), ("car", BoundingBox(x: 14, y: 10, width: 2, height: 2))]),
        ], width: 16, height: 12)
        XCTAssertEqual(windows, [.init(image: 0, x: 4, y: 2, node: 0), .init(image: 1, x: 0, y: 0, node: 1), .init(image: 1, x: 10, y: 6, node: 2)])
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
}
