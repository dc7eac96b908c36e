import Codecs
import Foundation
import XCTest
@testable import Datasets

/// `metasim preview`: every format read back to images with their objects, and boxes drawn.
final class DatasetPreviewTests: XCTestCase {
    func testEveryFormatReadsBackItsObjectsAndDrawsTheirBoxes() throws {
        for format in DatasetFormat.allCases {
            let dir = try outputFolder("preview-\(format.rawValue)")
            let writer = try format.makeWriter(directory: dir, classes: ["car", "sign"], samplesPerShard: 2)
            for seed in 0..<3 { try writer.append(DatasetFixtures.scene(seed: seed), graph: DatasetFixtures.graph(), label: "car") }
            try writer.finish()
            let samples = try DatasetPreview.samples(in: dir, count: 2)
            XCTAssertEqual(samples.count, 2, format.rawValue)
            XCTAssertEqual(samples[0].image.width, 9, format.rawValue)
            if format == .imagefolder {
                XCTAssertEqual(samples[0].label, "car")
                continue
            }
            // The fixture's first car is visible at x 1...4, y 1...3 (COCO keeps only visible objects).
            // KITTI: the type is spelled `Car`, no masks.
            let name = format == .kitti ? "Car" : "car"
            let car = try XCTUnwrap(samples[0].objects.first { $0.className == name && $0.bbox != nil }, format.rawValue)
            XCTAssertEqual(car.bbox, [1, 1, 4, 3], format.rawValue)
            if format != .kitti { XCTAssertNotNil(car.mask, format.rawValue) }
            let drawn = DatasetPreview.draw(samples[0])
            let factor = drawn.width / 9
            XCTAssertEqual(factor, 19, "9 × 7 enlarged so the short side (7) reaches 128 px: ⌈128 / 7⌉")
            let corner = (1 * factor * drawn.width + 1 * factor) * 3
            XCTAssertEqual(Array(drawn.pixels[corner..<(corner + 3)]), DatasetPreview.color(for: name), format.rawValue)
        }
        XCTAssertThrowsError(try DatasetPreview.sheet(of: NSTemporaryDirectory() + "no-dataset-\(UUID())"))
    }

    func testFontDrawsInkOnlyInsideItsGlyphs() {
        var image = Image(width: 20, height: 9, channels: 1)
        BitmapFont.draw("1", into: &image, x: 1, y: 1, color: [1])
        let ink = image.pixels.enumerated().filter { $0.element == 1 }.map { ($0.offset % 20, $0.offset / 20) }
        XCTAssertEqual(ink.count, 10, "the glyph 1 has 1 + 2 + 1 + 1 + 1 + 1 + 3 pixels")
        XCTAssertTrue(ink.allSatisfy { $0.0 >= 1 && $0.0 < 6 && $0.1 >= 1 && $0.1 < 8 })
        XCTAssertEqual(BitmapFont.textWidth("ab", scale: 2), 22)
    }
}
