import Codecs
@testable import Datasets
import Diagnostics
import Foundation
import Scene
import XCTest
@testable import MetaSim

/// Labelled segmentation targets on disk: `DIR/images/NAME.png` + `DIR/masks/NAME.png`
/// (8-bit grey class indices), read into a `TaskSet` at the canvas.
final class SegmentationFolderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("segmentation-\(UUID().uuidString)")
        for sub in ["unlabelled", "test/images", "test/masks"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try PNG.write(Image(width: 8, height: 8, channels: 1, fill: 0.5), to: path("unlabelled/u.png"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// A 4×4 mask whose pixel (x, y) holds `label(x, y)` (a class index), and an RGB image.
    func writePair(_ name: String, width: Int = 4, height: Int = 4, label: (Int, Int) -> Int) throws {
        let values = (0..<(width * height)).map { Float(label($0 % width, $0 / width)) / 255 }
        try PNG.write(Image(width: width, height: height, channels: 1, pixels: values), to: path("test/masks/\(name).png"))
        try PNG.write(Image(width: width, height: height, channels: 3, fill: 0.25), to: path("test/images/\(name).png"))
    }

    func load(classes: [String] = ["ground", "road", "car"], canvas: Canvas = Canvas(width: 8, height: 8, channels: 1)) throws -> TargetSet {
        try TargetSet.load(images: path("unlabelled"), test: path("test"), canvas: canvas, kind: .segmentation, classes: classes)
    }

    /// Labels come from the mask's values; enlarging 4 → 8 px repeats each mask pixel 2×2
    /// (nearest neighbour: no blended, non-existent class).
    func testMasksBecomePixelLabelsAtTheCanvas() throws {
        try writePair("a") { x, y in x < 2 ? 0 : (y < 2 ? 1 : 2) }
        try writePair("b") { _, _ in 1 }
        let test = try XCTUnwrap(try load().test)
        XCTAssertEqual(test.kind, .segmentation)
        XCTAssertEqual(test.images.shape, [2, 1, 8, 8])
        XCTAssertEqual(test.classes, ["ground", "road", "car"])
        let a = Array(test.labels[0..<64])
        for y in 0..<8 { for x in 0..<8 { XCTAssertEqual(a[y * 8 + x], x < 4 ? 0 : (y < 4 ? 1 : 2), "(\(x), \(y))") } }
        XCTAssertEqual(Set(test.labels[64..<128]), [1])
        // Shrinking 8 → 4 px takes the pixel under each output pixel's centre.
        XCTAssertEqual(SegmentationFolderReader.nearest(a, width: 8, height: 8, toWidth: 4, toHeight: 4),
                       [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 2, 2])
    }

    func testAValueOutsideTheClassListNamesFileAndPixel() throws {
        try writePair("a") { x, y in x == 3 && y == 1 ? 7 : 0 }
        XCTAssertThrowsError(try load()) { error in
            let text = "\(error)"
            XCTAssertTrue(error is InputError, text)
            XCTAssertTrue(text.contains("masks/a.png") && text.contains("x 3, y 1") && text.contains("value 7") && text.contains("target.test"), text)
        }
    }

    func testMismatchedSizesMissingMasksAndColourMasksAreInputErrors() throws {
        try writePair("a") { _, _ in 0 }
        try PNG.write(Image(width: 6, height: 4, channels: 3, fill: 0), to: path("test/images/a.png"))
        XCTAssertThrowsError(try load()) { XCTAssertTrue("\($0)".contains("mask is 4x4 but its image"), "\($0)") }
        try writePair("a") { _, _ in 0 }
        try PNG.write(Image(width: 4, height: 4, channels: 1), to: path("test/images/b.png"))
        XCTAssertThrowsError(try load()) { XCTAssertTrue("\($0)".contains("masks/b.png") && "\($0)".contains("missing"), "\($0)") }
        try PNG.write(Image(width: 4, height: 4, channels: 3), to: path("test/masks/b.png"))
        XCTAssertThrowsError(try load()) { XCTAssertTrue("\($0)".contains("masks/b.png") && "\($0)".contains("8-bit RGB"), "\($0)") }
    }

    func testSegmentationFoldersNeedTheClassList() throws {
        try writePair("a") { _, _ in 0 }
        XCTAssertThrowsError(try TargetSet.load(images: path("unlabelled"), test: path("test"), canvas: Canvas(width: 4, height: 4),
                                                kind: .segmentation)) {
            XCTAssertTrue("\($0)".contains("task_network.classes"), "\($0)")
        }
    }
}
