import Codecs
import Datasets
import Diagnostics
import Foundation
import Scene
import XCTest
@testable import MetaSim

/// Labelled detection targets on disk, KITTI (`image_2/` + `label_2/`) or COCO
/// (`annotations.json` + `images/`), read into a `TaskSet` at the canvas.
final class DetectionFolderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("detection-\(UUID().uuidString)")
        for sub in ["unlabelled", "kitti/image_2", "kitti/label_2", "coco/images"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try PNG.write(Image(width: 20, height: 10, channels: 3, fill: 0.5), to: path("unlabelled/u.png"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    func write(_ text: String, to relative: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent(relative))
    }

    /// A KITTI label line with the given type, bbox, truncation and occlusion (3D fields made up).
    func kittiLine(_ type: String, _ box: [Double], truncated: Double = 0, occluded: Int = 0) -> String {
        "\(type) \(truncated) \(occluded) -1.57 \(box.map { String($0) }.joined(separator: " ")) 1.50 1.70 4.20 1.00 1.60 20.00 0.00\n"
    }

    func load(_ folder: String, classes: [String] = ["car"]) throws -> TaskSet {
        let target = try TargetSet.load(images: path("unlabelled"), test: path(folder), canvas: Canvas(width: 20, height: 10, channels: 3),
                                        kind: .detection, classes: classes)
        return try XCTUnwrap(target.test)
    }

    /// Boxes halve with the 40×20 → 20×10 resize; `Car` is class 0, `DontCare` and KITTI's
    /// neighbouring `Van` are regions to ignore, a `Pedestrian` (not a task class) is dropped;
    /// truncation and occlusion are kept for the difficulty levels.
    func testKITTIFolderBoxesAtTheCanvas() throws {
        try PNG.write(Image(width: 40, height: 20, channels: 3, fill: 0.25), to: path("kitti/image_2/000000.png"))
        try PNG.write(Image(width: 40, height: 20, channels: 3, fill: 0.75), to: path("kitti/image_2/000001.png"))
        try write(kittiLine("Car", [4, 2, 20, 18], truncated: 0.3, occluded: 1) + kittiLine("DontCare", [30, 0, 40, 10])
                  + kittiLine("Pedestrian", [0, 0, 2, 8]) + kittiLine("Van", [22, 4, 30, 12]), to: "kitti/label_2/000000.txt")
        try write("", to: "kitti/label_2/000001.txt")
        let test = try load("kitti")
        XCTAssertEqual(test.images.shape, [2, 3, 10, 20])
        XCTAssertEqual(test.objects[0], [
            LabelledBox(classIndex: 0, box: PixelBox(x0: 2, y0: 1, x1: 10, y1: 9), truncation: 0.3, occlusionLevel: 1),
            LabelledBox(classIndex: nil, box: PixelBox(x0: 15, y0: 0, x1: 20, y1: 5)),
            LabelledBox(classIndex: nil, box: PixelBox(x0: 11, y0: 2, x1: 15, y1: 6)),
        ])
        XCTAssertEqual(test.objects[1], [])
        XCTAssertEqual(test.images.data[3 * 10 * 20], 0.75, accuracy: 1 / 255)
    }

    func testKITTIErrorsNameFileAndField() throws {
        try PNG.write(Image(width: 40, height: 20, channels: 3), to: path("kitti/image_2/000000.png"))
        XCTAssertThrowsError(try load("kitti")) { error in
            XCTAssertTrue(error is InputError, "\(error)")
            XCTAssertTrue("\(error)".contains("label_2/000000.txt") && "\(error)".contains("missing"), "\(error)")
        }
        try write("Car 0 x -1.57 4 2 20 18 1.5 1.7 4.2 1 1.6 20 0\n", to: "kitti/label_2/000000.txt")
        XCTAssertThrowsError(try load("kitti")) { error in
            XCTAssertTrue("\(error)".contains("label_2/000000.txt") && "\(error)".contains("line 1") && "\(error)".contains("occluded"), "\(error)")
        }
        try write(kittiLine("Car", [20, 2, 4, 18]), to: "kitti/label_2/000000.txt")
        XCTAssertThrowsError(try load("kitti")) { error in
            XCTAssertTrue("\(error)".contains("object 1 bbox") && "\(error)".contains("right < left"), "\(error)")
        }
        try write(kittiLine("Car", [4, 2, 20, 18]), to: "kitti/label_2/000000.txt")
        try write("", to: "kitti/label_2/000009.txt")
        XCTAssertThrowsError(try load("kitti")) { error in
            XCTAssertTrue("\(error)".contains("000009.txt") && "\(error)".contains("without an image"), "\(error)")
        }
    }

    func cocoJSON(annotations: String, width: Int = 40) -> String {
        """
        {"images": [{"id": 7, "file_name": "images/a.png", "width": \(width), "height": 20}, {"id": 9, "file_name": "b.png", "width": 40, "height": 20}],
         "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "tree"}],
         "annotations": [\(annotations)]}
        """
    }

    /// COCO's `[x, y, width, height]` becomes left, top, right, bottom at the canvas; a crowd
    /// box is a region to ignore; `file_name` is found relative to the folder or in `images/`.
    func testCOCOFolderBoxesAtTheCanvas() throws {
        try PNG.write(Image(width: 40, height: 20, channels: 3), to: path("coco/images/a.png"))
        try PNG.write(Image(width: 40, height: 20, channels: 3), to: path("coco/images/b.png"))
        try write(cocoJSON(annotations: """
            {"id": 1, "image_id": 9, "category_id": 1, "bbox": [4, 2, 16, 16], "iscrowd": 0},
            {"id": 2, "image_id": 7, "category_id": 1, "bbox": [0, 0, 10, 10], "iscrowd": 1},
            {"id": 3, "image_id": 7, "category_id": 2, "bbox": [0, 0, 4, 4]}
            """), to: "coco/annotations.json")
        let test = try load("coco")
        XCTAssertEqual(test.objects, [[LabelledBox(classIndex: nil, box: PixelBox(x0: 0, y0: 0, x1: 5, y1: 5))],
                                      [LabelledBox(classIndex: 0, box: PixelBox(x0: 2, y0: 1, x1: 10, y1: 9))]])
    }

    func testCOCOErrorsNameFileAndField() throws {
        try PNG.write(Image(width: 40, height: 20, channels: 3), to: path("coco/images/a.png"))
        try PNG.write(Image(width: 40, height: 20, channels: 3), to: path("coco/images/b.png"))
        func expect(_ annotations: String, width: Int = 40, _ parts: [String]) throws {
            try write(cocoJSON(annotations: annotations, width: width), to: "coco/annotations.json")
            XCTAssertThrowsError(try load("coco")) { error in
                XCTAssertTrue(error is InputError, "\(error)")
                for part in parts { XCTAssertTrue("\(error)".contains(part), "\(part) in \(error)") }
            }
        }
        try expect(#"{"image_id": 7, "category_id": 5, "bbox": [0, 0, 1, 1]}"#, ["annotations.json", "annotations[0].category_id"])
        try expect(#"{"image_id": 8, "category_id": 1, "bbox": [0, 0, 1, 1]}"#, ["annotations[0].image_id"])
        try expect(#"{"image_id": 7, "category_id": 1, "bbox": [0, 0, -1, 1]}"#, ["annotations[0].bbox"])
        try expect(#"{"image_id": 7, "category_id": 1}"#, ["annotations[0].bbox", "missing"])
        try expect(#"{"image_id": 7, "category_id": 1, "bbox": "big"}"#, ["annotations[0].bbox", "wrong type"])
        try expect("", width: 30, ["images/a.png", "30x20"])
        try FileManager.default.removeItem(atPath: path("coco/images/b.png"))
        try expect("", ["images[1].file_name", "b.png"])
    }

    func testAFolderOfNeitherLayoutIsAnInputError() throws {
        XCTAssertThrowsError(try load("unlabelled")) { error in
            XCTAssertTrue("\(error)".contains("not a detection folder") && "\(error)".contains("target.test"), "\(error)")
        }
    }
}
