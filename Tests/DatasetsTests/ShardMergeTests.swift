import Foundation
import Render
import XCTest
@testable import Datasets

/// Shard ranges, and `ShardSet` + `DatasetMerger` against a single writer: for every format,
/// shards written with `DatasetOrigin` merge into the bytes one writer gives.
final class ShardMergeTests: XCTestCase {
    func testRangesAreContiguousBalancedAndCoverEverySample() {
        for total in 0...40 {
            for count in 1...45 {
                var next = 0
                for index in 0..<count {
                    let range = DatasetShard.range(index: index, of: count, total: total)
                    XCTAssertEqual(range.lowerBound, next, "\(index) of \(count) over \(total)")
                    XCTAssertTrue(range.count == total / count || range.count == total / count + 1)
                    XCTAssertEqual(range.count > total / count, index < total % count)
                    next = range.upperBound
                }
                XCTAssertEqual(next, total, "\(count) shards over \(total) cover it")
            }
        }
        XCTAssertEqual(DatasetShard.range(index: 0, of: 4, total: 10), 0..<3)
        XCTAssertEqual(DatasetShard.range(index: 3, of: 4, total: 10), 8..<10)
        // More shards than samples: the last are empty.
        XCTAssertEqual(DatasetShard.range(index: 2, of: 5, total: 3), 2..<3)
        XCTAssertEqual(DatasetShard.range(index: 4, of: 5, total: 3), 3..<3)
        // No overflow near Int.max.
        XCTAssertEqual(DatasetShard.range(index: 6, of: 7, total: Int.max).upperBound, Int.max)
        XCTAssertEqual(DatasetShard(index: 1, count: 2, total: 5), DatasetShard(index: 1, count: 2, total: 5))
        XCTAssertEqual(DatasetShard(index: 1, count: 2, total: 5).samples, 2)
    }

    static let provenance = DatasetProvenance(generator: "render", seed: 9, inputs: ["grammar": String(repeating: "a", count: 64)])

    /// Sample `i`: classes vary with `i` (class "late" first appears at sample 5, "later" at 3,
    /// neither in the writer's class list), some samples have a hidden object.
    func sample(_ i: Int) -> RenderedImage {
        let names = ["car", "sign", "car", "later", "sign", "late", "car", "sign", "later"]
        return DatasetFixtures.rendered(rects: [
            DatasetFixtures.Rect(className: names[i % names.count], x: i % 5, y: 1, w: 3, h: 3),
            DatasetFixtures.Rect(className: "car", x: i % 2 == 0 ? 20 : 4, y: 2, w: 2, h: 3),
        ], seed: i)
    }

    /// Writes samples `range` of a dataset with `origin` into a new folder. Formats that write
    /// label indices (WebDataset, JSON Lines) get every class up front, as `render`/`generate`
    /// give them (`Grammar.objectClasses`), unless `classes` says otherwise; the others meet
    /// "later" and "late" as they come.
    func write(_ format: DatasetFormat, _ range: Range<Int>, origin: DatasetOrigin, name: String,
               classes: [String]? = nil) throws -> String {
        let folder = try outputFolder(name)
        let labelled = format == .webdataset || format == .jsonl
        let writer = try format.makeWriter(directory: folder, classes: classes ?? (labelled ? ["car", "sign", "later", "late"] : ["car", "sign"]),
                                           samplesPerShard: 2, origin: origin)
        for i in range {
            try writer.append(sample(i), graph: DatasetFixtures.graph(i % 3 + 1), label: format == .imagefolder ? "c\(i % 3)" : nil)
        }
        try writer.finish()
        return folder
    }

    func shardFolders(_ format: DatasetFormat, total: Int, shards: Int, tag: String = "") throws -> [String] {
        try (0..<shards).map { index in
            let shard = DatasetShard(index: index, count: shards, total: total)
            return try write(format, shard.start..<shard.end,
                             origin: DatasetOrigin(firstIndex: shard.start, provenance: Self.provenance, shard: shard),
                             name: "\(format.rawValue)-\(tag)\(index)")
        }
    }

    func files(_ folder: String) throws -> [String: Data] {
        var found: [String: Data] = [:]
        var nonRegular: [String] = []
        for path in try DatasetChecksums.files(in: folder, nonRegular: &nonRegular) {
            found[path] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + path))
        }
        XCTAssertEqual(nonRegular, [])
        return found
    }

    func testMergedShardsEqualOneWriterInEveryFormat() throws {
        for format in DatasetFormat.allCases {
            for (total, shards) in [(9, 1), (9, 2), (9, 4), (9, 9), (7, 3), (2, 5)] {
                let tag = "\(total)-\(shards)"
                let single = try write(format, 0..<total, origin: DatasetOrigin(provenance: Self.provenance), name: "\(format.rawValue)-single-\(tag)")
                let set = try ShardSet.check(try shardFolders(format, total: total, shards: shards, tag: tag + "-").reversed())
                XCTAssertEqual(set.members.map(\.shard.index), Array(0..<shards))
                let merged = try outputFolder("\(format.rawValue)-merged-\(tag)")
                let manifest = try DatasetMerger.merge(set, into: merged)
                XCTAssertNil(manifest.shard)
                XCTAssertEqual(manifest.count, total)
                let expected = try files(single), actual = try files(merged)
                XCTAssertEqual(actual.keys.sorted(), expected.keys.sorted(), "\(format) \(tag)")
                for (path, bytes) in expected where actual[path] != bytes { XCTFail("\(format) \(tag): \(path) differs") }
                XCTAssertNoThrow(try DatasetVerifier.verify(directory: merged))
            }
        }
    }

    func testCOCOCategoriesMetLaterKeepTheSingleRunOrder() throws {
        // Shard 1 (samples 3...5) meets "later" then "late"; the merged list must put them after
        // the writer's classes in first-appearance order over the whole dataset.
        let set = try ShardSet.check(try shardFolders(.coco, total: 6, shards: 2))
        let merged = try outputFolder("coco-categories")
        XCTAssertEqual(try DatasetMerger.merge(set, into: merged).classes, ["car", "sign", "later", "late"])
        let annotations = try jsonObject(merged + "/annotations.json")["annotations"] as! [[String: Any]]
        XCTAssertEqual(annotations.map { $0["id"] as! Int }, Array(1...annotations.count), "ids 1, 2, … across shards")
        XCTAssertEqual(Set(annotations.map { $0["image_id"] as! Int }), Set(1...6))
    }

    /// Label indices numbered from different class maps cannot be merged exactly: refused.
    func testLabelIndicesFromDifferentClassMapsAreRefused() throws {
        let folders = try (0..<2).map { index -> String in
            let shard = DatasetShard(index: index, count: 2, total: 9)
            return try write(.jsonl, shard.start..<shard.end,
                             origin: DatasetOrigin(firstIndex: shard.start, provenance: Self.provenance, shard: shard),
                             name: "jsonl-partial-classes-\(index)", classes: ["car", "sign"])
        }
        let set = try ShardSet.check(folders)
        XCTAssertThrowsError(try DatasetMerger.merge(set, into: try outputFolder("jsonl-partial-merged"))) { error in
            XCTAssertTrue("\(error)".contains("not a prefix of the merged one"), "\(error)")
        }
    }

    func testShardWritersNameFilesAndIdsByGlobalIndex() throws {
        let shard = DatasetShard(index: 1, count: 2, total: 5)   // samples 3..<5
        let origin = DatasetOrigin(firstIndex: shard.start, provenance: Self.provenance, shard: shard)
        let coco = try write(.coco, 3..<5, origin: origin, name: "coco-global")
        let images = try jsonObject(coco + "/annotations.json")["images"] as! [[String: Any]]
        XCTAssertEqual(images.map { $0["id"] as! Int }, [4, 5])
        XCTAssertEqual(images.map { $0["file_name"] as! String }, ["images/000003.png", "images/000004.png"])
        let wds = try write(.webdataset, 3..<5, origin: origin, name: "wds-global")
        XCTAssertEqual(try contents(wds), [ClassMap.fileName, "data-000001.tar", "data-000002.tar", DatasetManifest.fileName])
        XCTAssertEqual(try readTar(wds + "/data-000001.tar").map(\.name), ["000003.png", "000003.json"])
        let manifest = try DatasetManifest.read(from: wds)
        XCTAssertEqual(manifest.shard, shard)
        XCTAssertEqual(manifest.provenance, Self.provenance)
    }

    func checkRefused(_ folders: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ShardSet.check(folders), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(message), "\(error)", file: file, line: line)
        }
    }

    func testIncompleteAndMismatchedSetsAreRefused() throws {
        let good = try shardFolders(.jsonl, total: 7, shards: 3)
        checkRefused([good[2], good[0]], "1 are missing from the folders given: 1")
        checkRefused(good + [good[0]], "shard 0 is also")
        checkRefused([], "no shard folders given")
        let other = try write(.jsonl, 0..<3, origin: DatasetOrigin(firstIndex: 0, provenance: DatasetProvenance(
            generator: "render", seed: 10, inputs: Self.provenance.inputs), shard: DatasetShard(index: 0, count: 3, total: 7)), name: "seed10")
        checkRefused([other, good[1], good[2]], "'s render seed 10 [grammar aaaaaaaaaaaa…]: shards of different runs")
        let noProvenance = try write(.jsonl, 0..<3, origin: DatasetOrigin(shard: DatasetShard(index: 0, count: 3, total: 7)), name: "anon")
        checkRefused([noProvenance, good[1], good[2]], "provenance: missing")
        let unsharded = try write(.jsonl, 0..<7, origin: DatasetOrigin(provenance: Self.provenance), name: "whole")
        checkRefused([unsharded], "not a shard")
        var overlapping = DatasetShard(index: 1, count: 3, total: 7)   // 3..<5
        overlapping.start = 2
        let wide = try write(.jsonl, 2..<5, origin: DatasetOrigin(firstIndex: 2, provenance: Self.provenance, shard: overlapping), name: "wide")
        checkRefused([good[0], wide, good[2]], "holds samples 2..<5 but shard 1 of 3 over 7 samples is 3..<5")
    }
}
