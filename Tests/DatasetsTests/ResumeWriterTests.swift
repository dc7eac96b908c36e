import Codecs
import Datasets
import Diagnostics
import Foundation
import Render
import Scene
import XCTest

/// `DatasetFormat.resumeWriter`: a writer stopped after k samples — its folder copied while it
/// is alive, which is what `kill -9` leaves (buffered bytes lost, temporaries kept) — and then
/// resumed gives the bytes of an uninterrupted run, for every format and many k, also when the
/// streamed files are cut at arbitrary bytes, and for a shard of a larger dataset (samples
/// numbered from `origin.firstIndex`).
final class ResumeWriterTests: XCTestCase {
    static let total = 120
    static let classes = ["car"]
    /// Where the samples sit in the dataset: set per test (0, or a shard's first index).
    var origin = DatasetOrigin()

    /// Sample i: seven objects, classes met late (COCO's later categories), labels on some, and
    /// noisy pixels (incompressible PNGs), so that streamed files pass their 64 KiB buffers.
    func sample(_ i: Int) -> (RenderedImage, String?) {
        var rects = [DatasetFixtures.Rect(className: "car", x: i % 5, y: 1, w: 12, h: 10),
                     DatasetFixtures.Rect(className: i > 30 ? "sign" : "car", x: 14 + i % 7, y: 4, w: 12, h: 12),
                     DatasetFixtures.Rect(className: i > 70 ? "tree" : "car", x: 2, y: 16, w: 9 + i % 3, h: 9)]
        for k in 0..<4 { rects.append(DatasetFixtures.Rect(className: "car", x: 3 + 9 * k, y: 24 + (i + k) % 7, w: 3 + k, h: 5)) }
        var rendered = DatasetFixtures.rendered(width: 40, height: 32, rects: rects, seed: i)
        var state = UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
        for p in rendered.image.pixels.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            rendered.image.pixels[p] = Float(state >> 56) / 255
        }
        return (rendered, i % 3 == 0 ? nil : (i % 2 == 0 ? "even" : "odd"))
    }

    func makeWriter(_ format: DatasetFormat, _ folder: String, resume: Bool) throws -> DatasetWriter {
        resume ? try format.resumeWriter(directory: folder, classes: Self.classes, samplesPerShard: 16, origin: origin)
               : try format.makeWriter(directory: folder, classes: Self.classes, samplesPerShard: 16, origin: origin)
    }

    func label(_ format: DatasetFormat, _ i: Int) -> String? {
        format == .imagefolder ? (i % 2 == 0 ? "even" : "odd") : sample(i).1
    }

    /// Every file below `folder` (hidden ones included), relative path → bytes.
    func tree(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)!
        while let name = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder)
            files[name] = isFolder.boolValue ? Data("folder".utf8) : try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return files
    }

    func copy(_ from: String, to: String) throws {
        try? FileManager.default.removeItem(atPath: to)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    /// The reference run and, for each stop point, the folder as the stopped writer left it.
    func snapshots(_ format: DatasetFormat, stops: [Int], root: String) throws -> (reference: [String: Data], stopped: [Int: String]) {
        let folder = root + "/run"
        let writer = try makeWriter(format, folder, resume: false)
        var stopped: [Int: String] = [:]
        for i in 0..<Self.total {
            if stops.contains(i) {
                stopped[i] = root + "/stop-\(i)"
                try copy(folder, to: stopped[i]!)
            }
            try writer.append(sample(i).0, graph: DatasetFixtures.graph(i % 4), label: label(format, i))
        }
        try writer.finish()
        return (try tree(folder), stopped)
    }

    func resume(_ format: DatasetFormat, _ folder: String, maxKept: Int) throws -> [String: Data] {
        let writer = try makeWriter(format, folder, resume: true)
        XCTAssertLessThanOrEqual(writer.count, maxKept, "\(format) kept more samples than were written")
        for i in writer.count..<Self.total {
            try writer.append(sample(i).0, graph: DatasetFixtures.graph(i % 4), label: label(format, i))
        }
        try writer.finish()
        return try tree(folder)
    }

    func testResumedWriterMatchesUninterruptedRunForEveryFormatAndStop() throws {
        try checkEveryFormatAndStop()
    }

    /// A shard whose first sample is global index 37 (WebDataset's first tar starts mid-way).
    func testResumedShardMatchesUninterruptedShard() throws {
        origin = DatasetOrigin(firstIndex: 37, shard: DatasetShard(index: 1, count: 3, total: 360))
        try checkEveryFormatAndStop()
    }

    func checkEveryFormatAndStop() throws {
        let stops = [0, 16, 50, 90, 119]
        for format in DatasetFormat.allCases where format != .kitti {  // kitti: refused, below
            let root = try outputFolder("resume-\(format.rawValue)")
            let (reference, stopped) = try snapshots(format, stops: stops, root: root)
            var keptSome = false
            for k in stops {
                let before = try makeWriter(format, try copyOf(stopped[k]!), resume: true).count
                keptSome = keptSome || before > 0
                let result = try resume(format, stopped[k]!, maxKept: k)
                XCTAssertEqual(Set(result.keys), Set(reference.keys), "\(format) stopped at \(k): files differ")
                for (name, bytes) in reference where result[name] != bytes {
                    XCTFail("\(format) stopped at \(k): \(name) differs")
                }
            }
            XCTAssertTrue(keptSome, "\(format): no stop kept any sample, so resuming was not exercised")
            // A finished dataset resumed is itself.
            XCTAssertEqual(try resume(format, root + "/run", maxKept: Self.total), reference, "\(format) finished")
        }
    }

    /// KITTI cannot resume (its labels leave out non-KITTI classes, so the kept samples' class
    /// map cannot be rebuilt): refused with an input error instead of a dataset that differs.
    func testKITTIResumeIsRefused() throws {
        let folder = try outputFolder("kitti-resume")
        XCTAssertThrowsError(try DatasetFormat.kitti.resumeWriter(directory: folder, classes: Self.classes)) { error in
            XCTAssertTrue(error is InputError, "\(error)")
            XCTAssertTrue("\(error)".contains("kitti"), "\(error)")
        }
    }

    /// Samples of the shard being written (flushed to its temporary) are kept, not only
    /// the finished shards.
    func testWebDatasetKeepsTheOpenShardsCompleteSamples() throws {
        let root = try outputFolder("open-shard")
        let (_, stopped) = try snapshots(.webdataset, stops: [110], root: root)
        let kept = try DatasetFormat.webdataset.resumeWriter(directory: try copyOf(stopped[110]!), classes: Self.classes,
                                                             samplesPerShard: 16).count
        XCTAssertGreaterThan(kept, 96, "only the six finished tars (96 samples) were kept")
        XCTAssertLessThanOrEqual(kept, 110)
    }

    func copyOf(_ folder: String) throws -> String {
        let to = folder + "-probe"
        try copy(folder, to: to)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: to) }
        return to
    }

    /// A kill may cut a streamed file (lines, part file, shard) at any byte: every prefix of
    /// the stopped writer's temporaries resumes to the reference bytes.
    func testStreamedFilesCutAtAnyByteResumeExactly() throws {
        for format in [DatasetFormat.coco, .jsonl, .webdataset] {
            let root = try outputFolder("cut-\(format.rawValue)")
            let (reference, stopped) = try snapshots(format, stops: [110], root: root)
            let folder = stopped[110]!
            let temporaries = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }
            XCTAssertFalse(temporaries.isEmpty, "\(format): no streamed temporary to cut")
            for name in temporaries {
                let size = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)).count
                XCTAssertGreaterThan(size, 0, "\(format): \(name) is empty; nothing to cut")
                for cut in Set([0, size / 3, size / 2, size - 513, size - 1].filter { $0 >= 0 && $0 < size }).sorted() {
                    let trial = root + "/cut-\(cut)"
                    try copy(folder, to: trial)
                    let handle = try XCTUnwrap(FileHandle(forWritingAtPath: trial + "/" + name))
                    try handle.truncate(atOffset: UInt64(cut))
                    try handle.close()
                    let result = try resume(format, trial, maxKept: 110)
                    XCTAssertEqual(result, reference, "\(format): \(name) cut at \(cut) of \(size)")
                }
            }
        }
    }

    /// A damaged image (cut short) is written again, with everything after it.
    func testDamagedImageIsRedone() throws {
        let root = try outputFolder("damaged")
        let (reference, stopped) = try snapshots(.jsonl, stops: [100], root: root)
        let folder = stopped[100]!
        let image = folder + "/images/000005.png"
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: image))
        try handle.truncate(atOffset: 40)
        try handle.close()
        let writer = try DatasetFormat.jsonl.resumeWriter(directory: try copyOf(folder), classes: Self.classes, origin: origin)
        XCTAssertLessThanOrEqual(writer.count, 5)
        XCTAssertEqual(try resume(.jsonl, folder, maxKept: 5), reference)
    }
}
