import Foundation
import XCTest

/// Output folders never lie: `render` refuses a non-empty folder unless `--overwrite`, failed
/// runs leave nothing behind, bad output paths are clear exit-2 errors, and `verify` checks a
/// dataset against its manifest.
final class OutputFolderCLITests: XCTestCase {
    var scratch: String!
    var grammar: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cli-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // A 16x16 canvas with one always-visible square of class a or b.
        grammar = scratch + "/boxes.yaml"
        try """
            canvas: {width: 16, height: 16, channels: 1}
            root: Scene
            rules:
              Scene: {children: [Background, Box]}
              Background: {attributes: {texture: 0}}
              Box:
                class: {categorical: [a, b]}
                attributes: {shape: rectangle, texture: 1, size: 6, loc_x: {uniform: [5, 11]}, loc_y: 8}
            """.write(toFile: grammar, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    func render(_ out: String, count: Int, seed: Int = 1, format: String = "imagefolder", _ extra: String...) throws
        -> (status: Int32, out: String, err: String) {
        try CLIRunner.run(["render", "--grammar", grammar, "--count", "\(count)", "--seed", "\(seed)", "--out", out,
                           "--format", format, "--quiet"] + extra)
    }

    func files(_ folder: String) -> [String] {
        ((FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? [])
            .filter { !FileManager.default.isFolder(folder + "/" + $0) }.sorted()
    }

    func testSecondRenderIntoANonEmptyFolderIsRefusedAndChangesNothing() throws {
        for format in ["imagefolder", "webdataset", "coco", "jsonl"] {
            let out = scratch + "/" + format
            let count = format == "webdataset" ? 2100 : 12
            XCTAssertEqual(try render(out, count: count, format: format).status, 0)
            let before = files(out)
            let manifestBefore = try Data(contentsOf: URL(fileURLWithPath: out + "/metasim-dataset.json"))
            let second = try render(out, count: 3, seed: 2, format: format)
            XCTAssertEqual(second.status, 2, format)
            XCTAssertTrue(second.err.hasPrefix("error: \(out): already holds"), second.err)
            XCTAssertTrue(second.err.contains("--overwrite"), second.err)
            XCTAssertEqual(files(out), before, format)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/metasim-dataset.json")), manifestBefore)
            XCTAssertEqual(try CLIRunner.run(["verify", out]).status, 0, format)
        }
    }

    func testOverwriteReplacesTheWholeDataset() throws {
        let out = scratch + "/wds"
        XCTAssertEqual(try render(out, count: 2500, format: "webdataset").status, 0)
        XCTAssertEqual(files(out).filter { $0.hasSuffix(".tar") }.count, 3)
        let second = try render(out, count: 10, seed: 2, format: "webdataset", "--overwrite")
        XCTAssertEqual(second.status, 0, second.err)
        XCTAssertEqual(files(out), ["classes.json", "data-000000.tar", "metasim-dataset.json"], "no stale shards")
        let verify = try CLIRunner.run(["verify", out])
        XCTAssertEqual(verify.status, 0, verify.err)
        XCTAssertTrue(verify.out.contains("10 samples"), verify.out)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.hasPrefix(".") }, [],
                       "no staging or old folder left beside the dataset")
    }

    func testOverwriteRefusesAFolderThatIsNotADataset() throws {
        let out = scratch + "/mine"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: out + "/notes.txt"))
        let result = try render(out, count: 2, format: "jsonl", "--overwrite")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("not a complete MetaSim dataset"), result.err)
        XCTAssertEqual(files(out), ["notes.txt"])
    }

    func testFailedImageFolderRenderLeavesNothing() throws {
        // Image 1 shows no object (off the canvas), so it has no label: the run fails part-way.
        let partial = scratch + "/partial.yaml"
        try """
            canvas: {width: 16, height: 16, channels: 1}
            root: Scene
            rules:
              Scene: {children: [Background, Box]}
              Background: {attributes: {texture: 0}}
              Box:
                class: box
                attributes: {shape: rectangle, texture: 1, size: 4, loc_x: {uniform: [-40, 20]}, loc_y: 8}
            """.write(toFile: partial, atomically: true, encoding: .utf8)
        let out = scratch + "/if"
        let result = try CLIRunner.run(["render", "--grammar", partial, "--count", "200", "--out", out, "--quiet"])
        XCTAssertEqual(result.status, 2, result.err)
        XCTAssertTrue(result.err.hasPrefix("error: \(out): sample["), "names the output folder, not a staging folder: \(result.err)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.hasPrefix(".") }, [])
    }

    func testLeftoversOfAKilledRunAreRemovedByTheNextRun() throws {
        // What `kill -9` leaves: a staging folder whose process is gone.
        let dead = scratch + "/.ds.metasim-partial-999999999-1"
        try FileManager.default.createDirectory(atPath: dead + "/images", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dead + "/images/000000.png"))
        XCTAssertEqual(try render(scratch + "/ds", count: 2, format: "coco").status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
        XCTAssertEqual(files(scratch + "/ds").filter { $0.contains(".tmp-") || $0.contains(".part") }, [])
    }

    func testBadOutputPathsAreClearExitTwoErrors() throws {
        let file = scratch + "/afile"
        try Data("hi".utf8).write(to: URL(fileURLWithPath: file))
        let cases: [([String], String)] = [
            (["--out", file, "--format", "coco"], "error: \(file): exists and is not a folder"),
            (["--out", file + "/sub"], "error: \(file)/sub: \(file) is a file, not a folder"),
            (["--out", ""], "error: --out: the output folder path is empty"),
            (["--out", scratch + "/ds", "--grid", scratch + "/no-such-folder/grid.png"], "error: \(scratch!)/no-such-folder/grid.png: output folder"),
            (["--out", scratch + "/ds", "--grid", scratch], "error: \(scratch!): is a folder"),
        ]
        for (arguments, prefix) in cases {
            let result = try CLIRunner.run(["render", "--grammar", grammar, "--count", "2", "--quiet"] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.err.hasPrefix(prefix), "\(arguments): \(result.err)")
            XCTAssertFalse(result.err.contains("NSCocoaErrorDomain"), result.err)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/ds"), "bad --grid is found before rendering")
    }

    func testVerifyFindsChangedMissingAndExtraFiles() throws {
        let out = scratch + "/coco"
        XCTAssertEqual(try render(out, count: 5, format: "coco").status, 0)
        XCTAssertEqual(try CLIRunner.run(["verify", out]).status, 0)
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: out + "/images/000001.png"))
        try FileManager.default.removeItem(atPath: out + "/images/000002.png")
        try Data("stale".utf8).write(to: URL(fileURLWithPath: out + "/images/000009.png"))
        let result = try CLIRunner.run(["verify", out])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("error: \(out)/images/000001.png: SHA-256 differs"), result.err)
        XCTAssertTrue(result.err.contains("error: \(out)/images/000002.png: listed in the manifest but missing"), result.err)
        XCTAssertTrue(result.err.contains("error: \(out)/images/000009.png: not listed in the manifest"), result.err)
        let none = try CLIRunner.run(["verify", scratch])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.err.contains("metasim-dataset.json: missing"), none.err)
    }

    func testNegativeCountsAndSeedsSayWhatIsWrong() throws {
        let count = try render(scratch + "/ds", count: -5)
        XCTAssertEqual(count.status, 2)
        XCTAssertTrue(count.err.contains("--count must be at least 1"), count.err)
        let seed = try CLIRunner.run(["render", "--grammar", grammar, "--count", "2", "--seed", "-1", "--out", scratch + "/ds"])
        XCTAssertEqual(seed.status, 2)
        XCTAssertFalse(seed.err.contains("Missing value"), seed.err)
        XCTAssertTrue(seed.err.contains("-1"), seed.err)
    }

    func testSampleAndEncodeOutputErrorsExitTwo() throws {
        for arguments in [["sample", "--out", scratch!], ["sample", "--out", scratch + "/missing/x.jsonl"], ["encode", "--out", scratch!]] {
            let result = try CLIRunner.run([arguments[0], "--grammar", grammar, "--count", "2", arguments[1], arguments[2]])
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.err)")
            XCTAssertTrue(result.err.hasPrefix("error: \(arguments[2]): "), result.err)
        }
    }

    func testUnwritableStandardOutputIsAnErrorNotACrash() throws {
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        let sample = try CLIRunner.run(["sample", "--grammar", grammar, "--count", "100"], stdout: full)
        XCTAssertEqual(sample.status, 1, sample.err)
        XCTAssertTrue(sample.err.hasPrefix("error: standard output: cannot write"), sample.err)
        let validate = try CLIRunner.run(["validate", grammar], stdout: full)
        XCTAssertEqual(validate.status, 1, "a summary that was never written is not success")
    }
}

extension FileManager {
    func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
}
