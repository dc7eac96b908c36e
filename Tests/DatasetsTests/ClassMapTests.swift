import Foundation
import XCTest
@testable import Datasets

/// One class map per dataset, and every format agreeing on it.
final class ClassMapTests: XCTestCase {
    func testEveryFormatWritesTheSameClassMapAndUsesIt() throws {
        var maps: [DatasetFormat: [String]] = [:]
        for format in DatasetFormat.allCases {
            let dir = try outputFolder("classmap-\(format.rawValue)")
            let writer = try format.makeWriter(directory: dir, classes: ["car", "sign", "tree"], samplesPerShard: 10)
            try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: "sign")
            try writer.finish()
            maps[format] = ClassMap.read(from: dir)
            switch format {
            case .coco:
                let categories = try XCTUnwrap(try jsonObject(dir + "/annotations.json")["categories"] as? [[String: Any]])
                XCTAssertEqual(categories.map { $0["id"] as? Int }, [1, 2, 3])
                XCTAssertEqual(categories.map { $0["name"] as? String }, ["car", "sign", "tree"])
            case .webdataset:
                let members = try readTar(dir + "/data-000000.tar")
                XCTAssertEqual(members.first { $0.name == "000000.cls" }.map { String(decoding: $0.contents, as: UTF8.self) }, "1")
                let record = try JSONDecoder().decode(SampleRecord.self, from: Data(members.first { $0.name == "000000.json" }!.contents))
                XCTAssertEqual(record.label, "sign")
                XCTAssertEqual(record.labelIndex, 1)
            case .jsonl:
                let line = try String(contentsOfFile: dir + "/dataset.jsonl", encoding: .utf8)
                XCTAssertTrue(line.contains("\"label_index\":1"), line)
            case .imagefolder:
                XCTAssertEqual(try contents(dir).filter { !$0.hasSuffix(".json") }, ["sign"])
            case .kitti:
                XCTAssertEqual(try contents(dir).filter { !$0.hasSuffix(".json") }, ["image_2", "label_2"], "no calib/ without a camera")
            }
        }
        XCTAssertEqual(Set(maps.values.map { $0 }), [["car", "sign", "tree"]], "\(maps)")
    }

    func testUnlabelledWebDatasetSampleTakesItsOneVisibleClass() throws {
        let dir = try outputFolder("classmap-derived")
        let writer = try WebDatasetWriter(directory: dir, classes: ["a", "car"])
        let one = DatasetFixtures.rendered(rects: [DatasetFixtures.Rect(className: "car", x: 1, y: 1, w: 3, h: 3)])
        try writer.append(one, graph: DatasetFixtures.graph(), label: nil)
        try writer.finish()
        let members = try readTar(dir + "/data-000000.tar")
        XCTAssertEqual(members.first { $0.name == "000000.cls" }.map { String(decoding: $0.contents, as: UTF8.self) }, "1")
    }

    func testClassMapAppendsUnknownClassesAndIgnoresDuplicates() {
        let map = ClassMap(["b", "a", "b"])
        XCTAssertEqual(map.names, ["b", "a"])
        XCTAssertEqual(map.index(of: "a"), 1)
        XCTAssertEqual(map.index(of: "z"), 2)
        XCTAssertEqual(map.names, ["b", "a", "z"])
    }
}
