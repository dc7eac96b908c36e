import Foundation
import XCTest
@testable import Datasets

/// `COCOImage.jsonBytes()` and `COCOAnnotation.jsonBytes()` (the COCO part file's entries)
/// against Foundation's `JSONEncoder` (`DatasetFiles.json`, what the writer wrote before):
/// the same bytes for every segmentation form, random ids, boxes and masks.
final class COCOEntryJSONTests: XCTestCase {
    func testEntryBytesEqualJSONEncoders() throws {
        var random = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let image = COCOImage(id: Int.random(in: 1...10_000_000, using: &random), fileName: "images/\(DatasetFiles.padded(trial)).png",
                                  width: Int.random(in: 1...4096, using: &random), height: Int.random(in: 1...4096, using: &random))
            XCTAssertEqual(String(decoding: image.jsonBytes(), as: UTF8.self), String(decoding: try DatasetFiles.json(image), as: UTF8.self))
            let width = Int.random(in: 1...17, using: &random), height = Int.random(in: 1...13, using: &random)
            let mask = (0..<width * height).map { _ in Bool.random(using: &random) }
            let rle = COCORLE(rowMajorMask: mask, width: width, height: height)
            let segmentation: COCOAnnotation.Mask
            switch trial % 3 {
            case 0: segmentation = .compressed(rle)
            case 1: segmentation = .uncompressed(rle.uncompressedJSON)
            default: segmentation = .compressedText(.init(size: [height, width], counts: rle.compressedCounts))
            }
            let annotation = COCOAnnotation(id: trial + 1, imageId: image.id, categoryId: Int.random(in: 1...90, using: &random),
                                            bbox: (0..<4).map { _ in Int.random(in: 0...4096, using: &random) }, area: rle.area,
                                            iscrowd: trial % 7 == 0 ? 1 : 0, segmentation: segmentation)
            XCTAssertEqual(String(decoding: annotation.jsonBytes(), as: UTF8.self),
                           String(decoding: try DatasetFiles.json(annotation), as: UTF8.self))
        }
    }
}
