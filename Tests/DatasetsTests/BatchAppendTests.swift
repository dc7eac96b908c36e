import Datasets
import Diagnostics
import Foundation
import XCTest

/// `DatasetWriter.append(contentsOf:)` (images encoded in parallel, committed in order) writes
/// the bytes of appending the same samples one by one, for every format, also in a shard; a
/// failing sample leaves the samples before it appended and no file of it or the later ones.
extension ResumeWriterTests {
    func testBatchAppendMatchesOneByOneForEveryFormat() throws {
        // A shard whose first sample is global index 37: WebDataset's tars then start mid-way.
        origin = DatasetOrigin(firstIndex: 37, shard: DatasetShard(index: 1, count: 3, total: 360))
        do {
            let firstIndex = origin.firstIndex
            for format in DatasetFormat.allCases {
                let root = try outputFolder("batch-\(format.rawValue)-\(firstIndex)")
                let (reference, _) = try snapshots(format, stops: [], root: root)
                let folder = root + "/batched"
                let writer = try makeWriter(format, folder, resume: false)
                var next = 0
                for size in [1, 7, 50, Self.total - 58] {       // uneven batches, crossing tars of 16
                    try writer.append(contentsOf: (next..<next + size).map {
                        DatasetSample(rendered: sample($0).0, graph: DatasetFixtures.graph($0 % 4), label: label(format, $0))
                    })
                    next += size
                }
                XCTAssertEqual(writer.count, Self.total)
                try writer.finish()
                let result = try tree(folder)
                XCTAssertEqual(Set(result.keys), Set(reference.keys), "\(format) from \(firstIndex): files differ")
                for (name, bytes) in reference where result[name] != bytes {
                    XCTFail("\(format) from \(firstIndex): \(name) differs")
                }
            }
        }
    }

    func testBatchAppendStopsAtTheFirstFailingSample() throws {
        let folder = try outputFolder("batch-failing")
        let writer = try DatasetFormat.imagefolder.makeWriter(directory: folder, classes: Self.classes)
        let samples = (0..<10).map { DatasetSample(rendered: sample($0).0, graph: DatasetFixtures.graph(), label: [4, 7].contains($0) ? "../x" : "ok") }
        XCTAssertThrowsError(try writer.append(contentsOf: samples)) { error in
            XCTAssertTrue("\(error)".contains("sample[4]"), "the first failing sample is named: \(error)")
        }
        XCTAssertEqual(writer.count, 4)
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder + "/ok").sorted()
        XCTAssertEqual(kept, (0..<4).map { String(format: "%06d.png", $0) }, "no image of the failing or later samples")
        try writer.append(sample(9).0, graph: DatasetFixtures.graph(), label: "ok")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/ok/000004.png"), "appending continues at sample 4")
    }
}
