import Codecs
import Diagnostics
import Foundation
import XCTest
@testable import Datasets

final class DatasetOutputFolderTests: XCTestCase {
    /// A parent folder for destinations; its entries show what a run left beside them.
    func parentFolder() throws -> String { try outputFolder("output-folder") }

    /// Writes a small JSON Lines dataset of `count` samples through `DatasetOutputFolder`.
    func writeDataset(_ destination: String, count: Int, overwrite: Bool = false) throws {
        let output = try DatasetOutputFolder(destination: destination, overwrite: overwrite)
        try output.write { staging in
            let writer = try JSONLinesWriter(directory: staging)
            for i in 0..<count { try writer.append(DatasetFixtures.scene(seed: i), graph: DatasetFixtures.graph(), label: nil) }
            try writer.finish()
        }
    }

    func testDatasetAppearsOnlyWhenCompleteAndNothingIsLeftBeside() throws {
        let parent = try parentFolder()
        let destination = parent + "/ds"
        let output = try DatasetOutputFolder(destination: destination, overwrite: false)
        XCTAssertFalse(FileManager.default.fileExists(atPath: destination), "nothing at the destination while writing")
        XCTAssertTrue(output.staging.hasPrefix(parent + "/.ds.metasim-partial-"))
        try output.write { staging in
            let writer = try JSONLinesWriter(directory: staging)
            try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: nil)
            try writer.finish()
        }
        XCTAssertEqual(try contents(parent), ["ds"])
        XCTAssertEqual(try contents(destination), [ClassMap.fileName, "dataset.jsonl", "images", DatasetManifest.fileName])
    }

    func testFailedRunLeavesNoDatasetAndNamesTheDestination() throws {
        let parent = try parentFolder()
        let destination = parent + "/ds"
        let output = try DatasetOutputFolder(destination: destination, overwrite: false)
        XCTAssertThrowsError(try output.write { staging in
            let writer = try ImageFolderWriter(directory: staging)
            try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: "ok")
            try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: nil)  // two classes: no label
        }) { error in
            XCTAssertEqual((error as? InputError)?.file, destination)
            XCTAssertEqual((error as? InputError)?.path, "sample[1].label")
        }
        XCTAssertEqual(try contents(parent), [], "neither the destination nor the staging folder remains")
    }

    func testNonEmptyDestinationIsRefusedUnlessOverwriteOfADataset() throws {
        let parent = try parentFolder()
        let destination = parent + "/ds"
        try writeDataset(destination, count: 3)
        let before = try contents(destination + "/images")
        XCTAssertThrowsError(try writeDataset(destination, count: 1)) { error in
            XCTAssertEqual((error as? InputError)?.file, destination)
            XCTAssertTrue((error as? InputError)?.message.contains("--overwrite") ?? false)
        }
        XCTAssertEqual(try contents(destination + "/images"), before)
        try writeDataset(destination, count: 1, overwrite: true)
        XCTAssertEqual(try contents(destination + "/images"), ["000000.png"], "the old dataset is gone, not mixed in")
        XCTAssertEqual(try contents(parent), ["ds"], "the old dataset moved aside is removed")
        XCTAssertEqual(try DatasetVerifier.verify(directory: destination).manifest.count, 1)

        let foreign = parent + "/notes"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: foreign + "/a.txt"))
        XCTAssertThrowsError(try writeDataset(foreign, count: 1, overwrite: true)) { error in
            XCTAssertTrue((error as? InputError)?.message.contains("not a complete MetaSim dataset") ?? false, "\(error)")
        }
        XCTAssertEqual(try contents(foreign), ["a.txt"])
    }

    func testEmptyExistingDestinationIsFilled() throws {
        let destination = try parentFolder() + "/empty"
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        try writeDataset(destination, count: 2)
        XCTAssertEqual(try DatasetVerifier.verify(directory: destination).manifest.count, 2)
    }

    func testStagingFoldersOfDeadProcessesAreRemovedLiveOnesKept() throws {
        let parent = try parentFolder()
        let dead = parent + "/.ds.metasim-partial-999999999-4"
        let live = parent + "/.ds.metasim-partial-\(getpid())-999"
        let other = parent + "/.other.metasim-partial-999999999-1"
        for folder in [dead, live, other] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try writeDataset(parent + "/ds", count: 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a running process's folder is not touched")
        XCTAssertTrue(FileManager.default.fileExists(atPath: other), "another destination's folder is not touched")
    }

    func testBadPathsAreInputErrorsNamingThem() throws {
        let parent = try parentFolder()
        let file = parent + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let cases: [(String, String, String)] = [
            ("", "--out", "the output folder path is empty"),
            (file, file, "exists and is not a folder"),
            (file + "/sub/ds", file + "/sub/ds", "\(file) is a file, not a folder"),
            (parent + "/..", parent + "/..", "must name a folder"),
        ]
        for (path, named, message) in cases {
            XCTAssertThrowsError(try DatasetOutputFolder(destination: path, overwrite: false), path) { error in
                XCTAssertEqual((error as? InputError)?.file, named)
                XCTAssertTrue((error as? InputError)?.message.hasPrefix(message) ?? false, "\(error)")
            }
        }
        let nested = parent + "/a/b/ds"
        try writeDataset(nested, count: 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: nested + "/" + DatasetManifest.fileName), "missing parents are created")
    }
}

final class WriterManifestTests: XCTestCase {
    func testEveryWriterRemovesAPreviousManifestBeforeWriting() throws {
        for format in DatasetFormat.allCases {
            let dir = try outputFolder("stale-\(format.rawValue)")
            try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/" + DatasetManifest.fileName))
            let writer = try format.makeWriter(directory: dir, classes: ["car"])
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/" + DatasetManifest.fileName), format.rawValue)
            try writer.append(DatasetFixtures.scene(), graph: DatasetFixtures.graph(), label: "car")
            try writer.finish()
            XCTAssertEqual(try DatasetManifest.read(from: dir).count, 1)
        }
    }
}

final class DatasetVerifierTests: XCTestCase {
    func writeAll(_ format: DatasetFormat, to dir: String, count: Int = 3) throws {
        let writer = try format.makeWriter(directory: dir, classes: ["car", "sign"], samplesPerShard: 2)
        for i in 0..<count { try writer.append(DatasetFixtures.scene(seed: i), graph: DatasetFixtures.graph(), label: "c\(i % 2)") }
        try writer.finish()
    }

    func testEveryFormatVerifiesWithChecksumsOfEveryFile() throws {
        for format in DatasetFormat.allCases {
            let dir = try outputFolder("verify-\(format.rawValue)")
            try writeAll(format, to: dir)
            let report = try DatasetVerifier.verify(directory: dir)
            XCTAssertEqual(report.manifest.count, 3)
            var ignored: [String] = []
            let onDisk = try DatasetChecksums.files(in: dir, excluding: [DatasetManifest.fileName], nonRegular: &ignored)
            XCTAssertEqual(report.manifest.sha256?.keys.sorted(), onDisk, format.rawValue)
            XCTAssertEqual(report.filesChecked, onDisk.count)
        }
    }

    func testSHA256OfKnownContent() throws {
        let dir = try outputFolder("sha")
        try Data("abc".utf8).write(to: URL(fileURLWithPath: dir + "/abc"))
        XCTAssertEqual(try DatasetChecksums.sha256(ofFile: dir + "/abc"),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")  // FIPS 180-2, appendix B.1
        // Several read chunks (64 KiB each): Python's hashlib.sha256(bytes(i % 251 for i in range(200000))).
        try Data((0..<200_000).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: dir + "/long"))
        XCTAssertEqual(try DatasetChecksums.sha256(ofFile: dir + "/long"),
                       "e24bc62381f1224fbbb74688663f8f9743b9680b193edd666835e97b06e730eb")
        XCTAssertThrowsError(try DatasetChecksums.sha256(ofFile: dir + "/missing"))
    }

    func testChangedMissingExtraFilesAndWrongCountsAreReported() throws {
        let dir = try outputFolder("verify-bad")
        try writeAll(.jsonl, to: dir)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/images/000000.png"))
        try FileManager.default.removeItem(atPath: dir + "/images/000001.png")
        try Data("y".utf8).write(to: URL(fileURLWithPath: dir + "/.dataset.jsonl.tmp-1-1"))
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: dir + "/dataset.jsonl"), options: [])
        XCTAssertThrowsError(try DatasetVerifier.verify(directory: dir)) { error in
            let problems = (error as? InputErrors)?.errors ?? []
            let lines = problems.map(\.description)
            XCTAssertTrue(lines.contains("error: \(dir)/images/000000.png: SHA-256 differs from the manifest's (changed or corrupt)"), "\(lines)")
            XCTAssertTrue(lines.contains("error: \(dir)/images/000001.png: listed in the manifest but missing"), "\(lines)")
            XCTAssertTrue(lines.contains("error: \(dir)/.dataset.jsonl.tmp-1-1: not listed in the manifest (left over from another run?)"), "\(lines)")
            XCTAssertTrue(lines.contains { $0.contains("count: says 3 samples but the folder holds 2 images in images/") }, "\(lines)")
            XCTAssertTrue(lines.contains { $0.contains("count: says 3 samples but the folder holds 1 lines in dataset.jsonl") }, "\(lines)")
        }
    }

    func testMissingManifestOrChecksumsAreErrors() throws {
        let dir = try outputFolder("verify-none")
        XCTAssertThrowsError(try DatasetVerifier.verify(directory: dir)) { error in
            XCTAssertEqual((error as? InputError)?.file, dir + "/" + DatasetManifest.fileName)
        }
        try DatasetFiles.json(DatasetManifest(format: .jsonl, count: 0, classes: [], files: []))
            .write(to: URL(fileURLWithPath: dir + "/" + DatasetManifest.fileName))
        XCTAssertThrowsError(try DatasetVerifier.verify(directory: dir)) { error in
            XCTAssertEqual((error as? InputError)?.path, "sha256")
        }
    }

    func testWebDatasetCountComesFromTheShards() throws {
        let dir = try outputFolder("verify-wds")
        try writeAll(.webdataset, to: dir, count: 5)
        XCTAssertEqual(try TarReader.memberNames(of: dir + "/data-000002.tar"), ["000004.png", "000004.json", "000004.cls"])
        var manifest = try DatasetManifest.read(from: dir)
        manifest.count = 6
        try DatasetFiles.json(manifest).write(to: URL(fileURLWithPath: dir + "/" + DatasetManifest.fileName))
        XCTAssertThrowsError(try DatasetVerifier.verify(directory: dir)) { error in
            XCTAssertEqual((error as? InputErrors)?.errors.map(\.message), ["says 6 samples but the folder holds 5 .png members in its shards"])
        }
    }
}
