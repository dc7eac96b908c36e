import Codecs
import Diagnostics
import Foundation
import Render
import Scene
import XCTest
@testable import Datasets

final class ImageFolderWriterTests: XCTestCase {
    func testOneFolderPerLabelWithPNGsAndManifestLast() throws {
        let dir = try outputFolder("imagefolder")
        let writer = try ImageFolderWriter(directory: dir)
        let samples = (0..<4).map { DatasetFixtures.scene(seed: $0) }
        for (i, sample) in samples.enumerated() {
            try writer.append(sample, graph: DatasetFixtures.graph(), label: i % 2 == 0 ? "even" : "odd")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/" + DatasetManifest.fileName))
        try writer.finish()
        XCTAssertEqual(try contents(dir), [ClassMap.fileName, "even", DatasetManifest.fileName, "odd"])
        XCTAssertEqual(try contents(dir + "/even"), ["000000.png", "000002.png"])
        XCTAssertEqual(try PNG.read(dir + "/odd/000003.png"), quantised(samples[3].image))
        let manifest = try JSONDecoder().decode(DatasetManifest.self,
                                                from: Data(contentsOf: URL(fileURLWithPath: dir + "/" + DatasetManifest.fileName)))
        var listed = manifest
        listed.sha256 = nil
        XCTAssertEqual(listed, DatasetManifest(format: .imagefolder, count: 4, classes: ["even", "odd"], files: []))
        XCTAssertEqual(manifest.sha256?.keys.sorted(), [ClassMap.fileName, "even/000000.png", "even/000002.png", "odd/000001.png", "odd/000003.png"])
        XCTAssertThrowsError(try writer.append(samples[0], graph: DatasetFixtures.graph(), label: "x"))
    }

    func testMissingLabelTakesTheSingleVisibleClassOrThrows() throws {
        let dir = try outputFolder("imagefolder-derived")
        let writer = try ImageFolderWriter(directory: dir)
        let single = DatasetFixtures.rendered(rects: [.init(className: "7", x: 0, y: 0, w: 2, h: 2),
                                                      .init(className: "3", x: 50, y: 0, w: 2, h: 2)])
        try writer.append(single, graph: DatasetFixtures.graph(), label: nil)
        XCTAssertEqual(try contents(dir), ["7"], "the off-canvas '3' has no visible pixel")
        XCTAssertThrowsError(try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: nil)) { error in
            XCTAssertEqual((error as? InputError)?.path, "sample[1].label")
        }
        for bad in ["", "..", "a/b", ".hidden"] {
            XCTAssertThrowsError(try writer.append(single, graph: DatasetFixtures.graph(), label: bad), bad)
        }
    }
}

final class JSONLinesWriterTests: XCTestCase {
    func testOneLinePerImageWithGraphObjectsAndMasks() throws {
        let dir = try outputFolder("jsonl")
        let writer = try JSONLinesWriter(directory: dir)
        let samples = (0..<3).map { DatasetFixtures.scene(seed: $0) }
        for (i, sample) in samples.enumerated() { try writer.append(sample, graph: DatasetFixtures.graph(i + 1), label: "L\(i)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/dataset.jsonl"), "lines file appears at finish")
        try writer.finish()
        let text = try String(contentsOfFile: dir + "/dataset.jsonl", encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        for (i, line) in lines.enumerated() {
            let record = try JSONDecoder().decode(SampleRecord.self, from: Data(line.utf8))
            XCTAssertEqual(record.graph, DatasetFixtures.graph(i + 1))
            XCTAssertEqual(record.label, "L\(i)")
            XCTAssertEqual(try PNG.read(dir + "/" + record.image!), quantised(samples[i].image))
            let truth = samples[i].groundTruth
            XCTAssertEqual(record.objects.count, truth.objects.count)
            for (object, expected) in zip(record.objects, truth.objects) {
                XCTAssertEqual(object.bbox, expected.bbox.map { [$0.x, $0.y, $0.width, $0.height] })
                XCTAssertEqual(object.outsideCanvas, expected.outsideCanvas)
                if let mask = object.mask {
                    XCTAssertEqual(mask.rowMajorMask(), truth.instanceMask.map { Int($0) == expected.instanceId })
                } else {
                    XCTAssertEqual(expected.visiblePixels, 0)
                }
            }
        }
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        let objects = object["objects"] as! [[String: Any]]
        XCTAssertNotNil(objects[0]["visible_fraction"], "snake_case keys")
        XCTAssertTrue(objects[2]["mask"] is NSNull, "off-canvas object: explicit null mask")
    }
}

/// What a PNG round trip of `image` gives (8-bit quantisation).
func quantised(_ image: Image) -> Image {
    Image(width: image.width, height: image.height, channels: image.channels,
          pixels: image.pixels.map { Float(Quantization.byte($0)) / 255 })
}

final class RandomMaskRecordTests: XCTestCase {
    /// Scattered instance masks (many runs, decreasing counts) through a JSON Lines dataset;
    /// kept with METASIM_KEEP_DATASETS for scripts/check_jsonl.py's pycocotools comparison.
    func testScatteredInstanceMasksSurviveJSONLines() throws {
        var generator = SystemRandomNumberGenerator()
        let width = 37, height = 23
        let ids = (0..<width * height).map { _ in UInt16.random(in: 0...5, using: &generator) }
        var objects: [ObjectAnnotation] = []
        for id in 1...5 {
            let pixels = ids.indices.filter { ids[$0] == UInt16(id) }
            let xs = pixels.map { $0 % width }, ys = pixels.map { $0 / width }
            objects.append(ObjectAnnotation(node: id, className: "c\(id % 2)", instanceId: id,
                                            bbox: BoundingBox(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()! + 1,
                                                              height: ys.max()! - ys.min()! + 1),
                                            visiblePixels: pixels.count, visibleFraction: 1, outsideCanvas: false))
        }
        let rendered = RenderedImage(image: Image(width: width, height: height, channels: 1),
                                     groundTruth: GroundTruth(width: width, height: height, objects: objects,
                                                              instanceMask: ids, semanticMask: ids))
        let dir = try outputFolder("jsonl-random")
        let writer = try JSONLinesWriter(directory: dir)
        try writer.append(rendered, graph: DatasetFixtures.graph(), label: nil)
        try writer.finish()
        let line = try String(contentsOfFile: dir + "/dataset.jsonl", encoding: .utf8)
        let record = try JSONDecoder().decode(SampleRecord.self, from: Data(line.utf8))
        for object in record.objects {
            XCTAssertEqual(object.mask?.rowMajorMask(), ids.map { Int($0) == object.instanceId })
        }
    }
}
