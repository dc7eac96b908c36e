import Codecs
import Foundation
import XCTest
@testable import Datasets

final class COCOWriterTests: XCTestCase {
    func testStructureIdsBoxesAndRLEDecodeBackToInstanceMasks() throws {
        let dir = try outputFolder("coco")
        let writer = try COCOWriter(directory: dir, classes: ["car", "sign", "tree"])
        let samples = (0..<3).map { DatasetFixtures.scene(seed: $0) }
        for sample in samples { try writer.append(sample, graph: DatasetFixtures.graph(), label: nil) }
        try writer.append(DatasetFixtures.rendered(rects: [.init(className: "boat", x: 0, y: 0, w: 2, h: 2)]),
                          graph: DatasetFixtures.graph(), label: nil)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/annotations.json"))
        try writer.finish()
        XCTAssertEqual(try contents(dir), ["annotations.json", ClassMap.fileName, "images", DatasetManifest.fileName], "no part files left")

        let coco = try jsonObject(dir + "/annotations.json")
        let categories = coco["categories"] as! [[String: Any]]
        XCTAssertEqual(categories.map { $0["id"] as! Int }, [1, 2, 3, 4])
        XCTAssertEqual(categories.map { $0["name"] as! String }, ["car", "sign", "tree", "boat"], "unknown class appended")
        let images = coco["images"] as! [[String: Any]]
        XCTAssertEqual(images.map { $0["id"] as! Int }, [1, 2, 3, 4])
        for image in images {
            let decoded = try PNG.read(dir + "/" + (image["file_name"] as! String))
            XCTAssertEqual([decoded.width, decoded.height], [image["width"] as! Int, image["height"] as! Int])
        }
        let annotations = coco["annotations"] as! [[String: Any]]
        XCTAssertEqual(Set(annotations.map { $0["id"] as! Int }).count, annotations.count, "unique ids")
        XCTAssertEqual(annotations.count, 3 * 2 + 1, "off-canvas objects have no annotation")
        var checked = 0
        for annotation in annotations {
            let imageIndex = (annotation["image_id"] as! Int) - 1
            let truth = imageIndex < 3 ? samples[imageIndex].groundTruth
                : DatasetFixtures.rendered(rects: [.init(className: "boat", x: 0, y: 0, w: 2, h: 2)]).groundTruth
            XCTAssertEqual(annotation["iscrowd"] as! Int, 0)
            let segmentation = annotation["segmentation"] as! [String: Any]
            XCTAssertEqual(segmentation["size"] as! [Int], [truth.height, truth.width])
            let rle = try COCORLE(height: truth.height, width: truth.width, compressed: segmentation["counts"] as! String)
            let mask = rle.rowMajorMask()
            // Which object: the one whose instance mask this is.
            let object = try XCTUnwrap(truth.objects.first { o in truth.instanceMask.map { Int($0) == o.instanceId } == mask })
            XCTAssertEqual(annotation["bbox"] as! [Int], [object.bbox!.x, object.bbox!.y, object.bbox!.width, object.bbox!.height])
            XCTAssertEqual(annotation["area"] as! Int, object.visiblePixels)
            XCTAssertEqual(categories[(annotation["category_id"] as! Int) - 1]["name"] as! String, object.className)
            checked += 1
        }
        XCTAssertEqual(checked, annotations.count)
    }

    func testUncompressedSegmentationWritesCountLists() throws {
        let dir = try outputFolder("coco-uncompressed")
        let writer = try COCOWriter(directory: dir, classes: ["car", "sign"], segmentation: .uncompressedRLE)
        let sample = DatasetFixtures.scene()
        try writer.append(sample, graph: DatasetFixtures.graph(), label: nil)
        try writer.finish()
        let annotations = try jsonObject(dir + "/annotations.json")["annotations"] as! [[String: Any]]
        let counts = (annotations[0]["segmentation"] as! [String: Any])["counts"] as! [Int]
        let rle = COCORLE(height: 7, width: 9, counts: counts)
        XCTAssertEqual(rle.rowMajorMask(), sample.groundTruth.instanceMask.map { $0 == 1 })
    }

    func testInterruptedRunLeavesNoAnnotationFileNorParts() throws {
        let dir = try outputFolder("coco-interrupted")
        do {
            let writer = try COCOWriter(directory: dir, classes: ["car"])
            try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: nil)
            // Dropped without finish(), as when a run dies.
        }
        XCTAssertEqual(try contents(dir), ["images"])
    }
}
