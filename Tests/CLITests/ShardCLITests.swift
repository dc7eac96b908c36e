import Foundation
import XCTest

/// Sharded `render`/`generate` (flags, Slurm and Kubernetes environment) and `metasim merge`:
/// the merged shards equal a single-process run byte for byte, in every format; bad shard
/// settings and bad shard sets are exit-2 errors that write nothing.
final class ShardCLITests: XCTestCase {
    var scratch: String!
    var grammar: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cli-shard-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // 16x16, one box of class a, b or c at a random place, sometimes hidden off the canvas.
        grammar = scratch + "/boxes.yaml"
        try """
            canvas: {width: 16, height: 16, channels: 3}
            root: Scene
            rules:
              Scene: {children: [Background, Box]}
              Background: {attributes: {texture: 0}}
              Box:
                class: {categorical: [a, b, c]}
                attributes: {shape: rectangle, texture: 1, size: 6, loc_x: {uniform: [3, 13]}, loc_y: {uniform: [3, 13]}}
            """.write(toFile: grammar, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    func render(_ out: String, count: Int, format: String, seed: Int = 5, _ extra: [String] = [],
                environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try CLIRunner.run(["render", "--grammar", grammar, "--count", "\(count)", "--seed", "\(seed)", "--out", out,
                           "--format", format, "--quiet"] + extra, environment: environment)
    }

    /// Every file under `folder` (relative path → bytes).
    func tree(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: folder)! where !FileManager.default.isFolder(folder + "/" + path) {
            files[path] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + path))
        }
        return files
    }

    func manifest(_ folder: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/metasim-dataset.json"))) as! [String: Any]
    }

    /// Renders `count` samples whole and as `shards` shards, merges the shards (given in
    /// reverse order) and checks the result equals the whole run file for file, byte for byte.
    func checkMergeEqualsSingleRun(format: String, count: Int, shards: Int) throws {
        let name = "\(format)-\(count)-\(shards)"
        let single = scratch + "/" + name + "-single"
        XCTAssertEqual(try render(single, count: count, format: format).status, 0)
        var folders: [String] = []
        for index in 0..<shards {
            let folder = scratch + "/\(name)-shard\(index)"
            let result = try render(folder, count: count, format: format, ["--shard", "\(index)", "--num-shards", "\(shards)"])
            XCTAssertEqual(result.status, 0, result.err)
            let shard = try manifest(folder)["shard"] as! [String: Int]
            let range = (index * count / shards, (index + 1) * count / shards)
            XCTAssertEqual(shard["index"], index)
            XCTAssertEqual(shard["count"], shards)
            XCTAssertEqual(shard["total"], count)
            XCTAssertEqual((shard["end"] ?? -1) - (shard["start"] ?? -1), (try manifest(folder)["count"] as! Int))
            if count % shards == 0 { XCTAssertEqual(shard["start"], range.0, name) }
            folders.append(folder)
        }
        let merged = scratch + "/" + name + "-merged"
        let result = try CLIRunner.run(["merge"] + folders.reversed() + ["--out", merged])
        XCTAssertEqual(result.status, 0, result.err)
        let expected = try tree(single), actual = try tree(merged)
        XCTAssertEqual(actual.keys.sorted(), expected.keys.sorted(), name)
        for (path, bytes) in expected where actual[path] != bytes { XCTFail("\(name): \(path) differs from the single run's") }
        XCTAssertEqual(try CLIRunner.run(["verify", merged]).status, 0, name)
    }

    func testMergedShardsEqualASingleRunInEveryFormat() throws {
        for format in ["imagefolder", "coco", "jsonl", "webdataset"] {
            try checkMergeEqualsSingleRun(format: format, count: 10, shards: 4)   // 3, 3, 2, 2
            try checkMergeEqualsSingleRun(format: format, count: 3, shards: 5)    // two empty shards
        }
    }

    func testWebDatasetTarCutByShardBoundariesIsJoined() throws {
        // 1000 samples per tar: shard 1 of 3 over 2005 holds the end of tar 0 and the start of tar 1.
        try checkMergeEqualsSingleRun(format: "webdataset", count: 2005, shards: 3)
        XCTAssertEqual(try tree(scratch + "/webdataset-2005-3-shard1").keys.sorted(),
                       ["classes.json", "data-000000.tar", "data-000001.tar", "metasim-dataset.json"])
    }

    func testSlurmArrayEnvironmentPicksTheShard() throws {
        let out = scratch + "/slurm"
        let result = try render(out, count: 10, format: "jsonl", environment: [
            "SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4", "SLURM_ARRAY_TASK_COUNT": "4"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.out.contains("shard 2 of 4: samples 6..<8"), result.out)
        XCTAssertEqual(try manifest(out)["shard"] as? [String: Int], ["index": 2, "count": 4, "start": 6, "end": 8, "total": 10])
        XCTAssertNotNil(try tree(out)["images/000006.png"])
    }

    func testKubernetesIndexNeedsNumShardsAndFlagsWin() throws {
        let k8s = ["JOB_COMPLETION_INDEX": "1"]
        let indexed = try render(scratch + "/k8s", count: 9, format: "coco", ["--num-shards", "3"], environment: k8s)
        XCTAssertEqual(indexed.status, 0, indexed.err)
        XCTAssertEqual(try manifest(scratch + "/k8s")["shard"] as? [String: Int], ["index": 1, "count": 3, "start": 3, "end": 6, "total": 9])
        let flags = try render(scratch + "/flags", count: 9, format: "coco", ["--shard", "0", "--num-shards", "2"],
                               environment: ["JOB_COMPLETION_INDEX": "7", "SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "9"])
        XCTAssertEqual(flags.status, 0, flags.err)
        XCTAssertEqual(try manifest(scratch + "/flags")["shard"] as? [String: Int], ["index": 0, "count": 2, "start": 0, "end": 5, "total": 9])
    }

    func testInconsistentShardSettingsExit2AndWriteNothing() throws {
        let cases: [([String], [String: String], String)] = [
            ([], ["JOB_COMPLETION_INDEX": "1"], "error: JOB_COMPLETION_INDEX: shard 1 but no shard count: pass --num-shards N"),
            (["--num-shards", "3"], [:], "error: --num-shards: 3 shards but no shard index"),
            (["--shard", "4", "--num-shards", "4"], [:], "error: --shard: shard 4 is outside 0...3"),
            (["--shard", "0", "--num-shards", "0"], [:], "error: --num-shards: the number of shards must be at least 1"),
            (["--shard", "-1", "--num-shards", "2"], [:], "error: --shard: shard -1 is outside 0...1"),
            ([], ["SLURM_ARRAY_TASK_ID": "two", "SLURM_ARRAY_TASK_COUNT": "4"], "error: environment: SLURM_ARRAY_TASK_ID: 'two' is not a whole number"),
            ([], ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "JOB_COMPLETION_INDEX": "2"],
             "error: environment: SLURM_ARRAY_TASK_ID: Slurm's array index (1) and Kubernetes' JOB_COMPLETION_INDEX (2) disagree"),
            (["--num-shards", "3"], ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"],
             "error: --num-shards: 3 differs from this Slurm array's 4 tasks"),
            ([], ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_COUNT": "4"],
             "error: environment: SLURM_ARRAY_TASK_COUNT: the array 0-6 has 4 tasks: not contiguous"),
        ]
        for (flags, environment, message) in cases {
            let out = scratch + "/bad"
            let result = try render(out, count: 5, format: "jsonl", flags, environment: environment)
            XCTAssertEqual(result.status, 2, "\(flags) \(environment)")
            XCTAssertTrue(result.err.hasPrefix(message), result.err)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written for \(flags) \(environment)")
        }
    }

    func shards(_ name: String, count: Int = 6, of total: Int = 3, format: String = "jsonl", seed: Int = 5, only: [Int]? = nil) throws -> [String] {
        try (only ?? Array(0..<total)).map { index in
            let folder = scratch + "/\(name)-\(index)"
            XCTAssertEqual(try render(folder, count: count, format: format, seed: seed, ["--shard", "\(index)", "--num-shards", "\(total)"]).status, 0)
            return folder
        }
    }

    func checkMergeRefused(_ folders: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let out = scratch + "/merged"
        let result = try CLIRunner.run(["merge"] + folders + ["--out", out])
        XCTAssertEqual(result.status, 2, result.err, file: file, line: line)
        XCTAssertTrue(result.err.contains(message), result.err, file: file, line: line)
        XCTAssertTrue(result.err.hasPrefix("error: "), result.err, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written", file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.hasPrefix(".merged") }, [],
                       "no staging folder left", file: file, line: line)
    }

    func testMergeRefusesIncompleteOrMismatchedShardSets() throws {
        let good = try shards("good")
        try checkMergeRefused([good[0], good[2]], "the run has 3 shards but 1 are missing from the folders given: 1")
        try checkMergeRefused(good + [good[1]], "shard 1 is also \(good[1])")
        let otherSeed = try shards("seed", seed: 6, only: [1])
        try checkMergeRefused([good[0], otherSeed[0], good[2]], "provenance: render seed 6")
        let otherFormat = try shards("format", format: "coco", only: [2])
        try checkMergeRefused([good[0], good[1], otherFormat[0]], "format: coco differs from \(good[0])'s jsonl")
        let otherCount = try shards("count", count: 7, only: [1])
        try checkMergeRefused([good[0], otherCount[0], good[2]], "shard.total: 7 samples differs")
        let otherCut = try shards("cut", of: 2, only: [1])
        try checkMergeRefused([good[0], good[1], good[2], otherCut[0]], "shard.count: 2 shards differs")
        // A shard whose range was edited to overlap its neighbour's (checksums still fine).
        let overlap = scratch + "/overlap"
        try FileManager.default.copyItem(atPath: good[1], toPath: overlap)
        let path = overlap + "/metasim-dataset.json"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: #""start":2"#, with: #""start":1"#)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try checkMergeRefused([good[0], overlap, good[2]], "holds samples 1..<4 but shard 1 of 3 over 6 samples is 2..<4")
        // A single-process dataset is not a shard; a damaged shard fails its verification.
        let whole = scratch + "/whole"
        XCTAssertEqual(try render(whole, count: 6, format: "jsonl").status, 0)
        try checkMergeRefused([whole], "shard: not a shard")
        let damaged = scratch + "/damaged"
        try FileManager.default.copyItem(atPath: good[2], toPath: damaged)
        try Data("x".utf8).write(to: URL(fileURLWithPath: damaged + "/dataset.jsonl"))
        try checkMergeRefused([good[0], good[1], damaged], "dataset.jsonl: SHA-256 differs")
    }

    func testShardedGenerateMergesToTheSingleRun() throws {
        // The learned generator of GenerateCLITests' run, with a grammar that encodes the same way.
        let prior = scratch + "/prior.yaml"
        try CLIRunner.squareGrammar(locX: "uniform: [8, 24]").write(toFile: prior, atomically: true, encoding: .utf8)
        let run = try GenerateCLITests.makeRunFolder(recordedGrammar: prior)
        defer { try? FileManager.default.removeItem(atPath: run) }
        func generate(_ out: String, _ extra: [String] = []) throws -> (status: Int32, out: String, err: String) {
            try CLIRunner.run(["generate", "--run", run, "--count", "7", "--seed", "2", "--out", out, "--format", "coco", "--quiet",
                               "--checkpoint", "transformer"] + extra)
        }
        let single = try generate(scratch + "/gen-single")
        XCTAssertEqual(single.status, 0, single.err)
        var folders: [String] = []
        for index in 0..<2 {
            let result = try generate(scratch + "/gen-\(index)", ["--shard", "\(index)", "--num-shards", "2"])
            XCTAssertEqual(result.status, 0, result.err)
            folders.append(scratch + "/gen-\(index)")
        }
        let provenance = try manifest(folders[0])["provenance"] as! [String: Any]
        XCTAssertEqual(provenance["generator"] as? String, "generate")
        XCTAssertEqual((provenance["inputs"] as? [String: String])?.keys.sorted(), ["grammar", "weights"])
        XCTAssertEqual(try CLIRunner.run(["merge"] + folders + ["--out", scratch + "/gen-merged"]).status, 0)
        XCTAssertEqual(try tree(scratch + "/gen-merged"), try tree(scratch + "/gen-single"))
        // Prior data of the same run is another dataset: not mergeable with learned shards.
        XCTAssertEqual(try generate(scratch + "/gen-prior", ["--prior", "--shard", "1", "--num-shards", "2"]).status, 0)
        try checkMergeRefused([folders[0], scratch + "/gen-prior"], "generate --prior seed 2")
    }
}
