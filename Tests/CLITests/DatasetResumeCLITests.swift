import Foundation
import XCTest

/// `metasim render --resume` after `kill -9` (issue 12): for every format, a render killed
/// twice — once in the first run, once in the resumed one, at moments picked by how much the
/// staging folder holds — and resumed ends with the bytes of an uninterrupted render; a resume
/// with other settings is refused (exit 2) and leaves the interrupted run resumable.
extension CLITests {
    /// Bytes of the regular files below `folder` (hidden included): how far a render got.
    func bytesBelow(_ folder: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return 0 }
        var total = 0
        while let name = walker.nextObject() as? String {
            total += ((try? FileManager.default.attributesOfItem(atPath: folder + "/" + name))?[.size] as? Int) ?? 0
        }
        return total
    }

    /// The staging folders (`.NAME.metasim-partial-…`) beside `out`.
    func stagingFolders(of out: String) -> [String] {
        let parent = (out as NSString).deletingLastPathComponent, name = (out as NSString).lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        return entries.filter { $0.hasPrefix("." + name + ".metasim-partial-") && !$0.hasSuffix(".json") }.map { parent + "/" + $0 }
    }

    /// Every file below `folder`, relative path → bytes.
    func fileBytes(_ folder: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: folder))
        while let name = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder)
            if !isFolder.boolValue { out[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)) }
        }
        return out
    }

    /// Runs `metasim arguments` and kills it with SIGKILL once `out`'s staging folders hold
    /// `bytes`; returns whether it was killed (false: it finished first).
    func renderKilled(_ arguments: [String], out: String, atBytes bytes: Int) throws -> Bool {
        let process = try startMetasim(arguments)
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, stagingFolders(of: out).reduce(0, { $0 + bytesBelow($1) }) < bytes, Date() < deadline {
            usleep(1_000)
        }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return killed && process.terminationReason == .uncaughtSignal
    }

    func testRenderKilledTwiceAndResumedEqualsAnUninterruptedRenderForEveryFormat() throws {
        let grammar = "examples/grammars/mnist.yaml"
        for format in ["coco", "jsonl", "webdataset", "imagefolder"] {
            let common = ["render", "--grammar", grammar, "--count", "300", "--seed", "5", "--format", format, "--quiet"]
            let reference = scratch.appendingPathComponent("reference-\(format)").path
            XCTAssertEqual(try CLIRunner.run(common + ["--out", reference]).status, 0)
            let size = bytesBelow(reference)
            let out = scratch.appendingPathComponent("killed-\(format)").path
            var kills = 0
            if try renderKilled(common + ["--out", out], out: out, atBytes: size * 3 / 10) { kills += 1 }
            if format == "coco" {
                XCTAssertEqual(stagingFolders(of: out).count, 1, "the killed run's staging folder is left")
                let other = try CLIRunner.run(["render", "--grammar", grammar, "--count", "300", "--seed", "6", "--format", format,
                                              "--quiet", "--out", out, "--resume"])
                XCTAssertEqual(other.status, 2, other.err)
                XCTAssertTrue(other.err.contains("error: \(out): --resume") && other.err.contains("--seed was 5, now 6"), other.err)
                let both = try CLIRunner.run(common + ["--out", out, "--resume", "--overwrite"])
                XCTAssertEqual(both.status, 2, both.err)
                XCTAssertTrue(both.err.contains("--resume and --overwrite cannot be combined"), both.err)
                XCTAssertEqual(stagingFolders(of: out).count, 1, "a refused resume leaves the interrupted run")
            }
            // The resumed run may finish before its kill moment (a fast writer under a slow poll):
            // then it is the resume under test, and the folder already holds the whole dataset.
            if try renderKilled(common + ["--out", out, "--resume"], out: out, atBytes: size * 7 / 10) {
                kills += 1
                let resumed = try CLIRunner.run(common + ["--out", out, "--resume"])
                XCTAssertEqual(resumed.status, 0, resumed.err)
            }
            XCTAssertGreaterThanOrEqual(kills, 1, "\(format): the render finished before every kill moment")
            XCTAssertEqual(try fileBytes(out), try fileBytes(reference), "\(format): resumed dataset differs from the uninterrupted one")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix(".killed-") }
            XCTAssertEqual(leftovers, [], "\(format): staging folders or their settings left")
            XCTAssertEqual(try CLIRunner.run(["verify", out]).status, 0)
        }
        let complete = try CLIRunner.run(["render", "--grammar", grammar, "--count", "300", "--seed", "5", "--quiet",
                                          "--out", scratch.appendingPathComponent("killed-coco").path, "--format", "coco", "--resume"])
        XCTAssertEqual(complete.status, 2, complete.err)
        XCTAssertTrue(complete.err.contains("already holds a complete dataset: nothing to resume"), complete.err)
    }

    /// A shard (`--shard 1 --num-shards 3`) killed and resumed equals the uninterrupted shard;
    /// resuming it as another shard is refused, naming `--shard`.
    func testShardKilledAndResumedEqualsAnUninterruptedShard() throws {
        let common = ["render", "--grammar", "examples/grammars/mnist.yaml", "--count", "900", "--seed", "2",
                      "--format", "webdataset", "--quiet", "--num-shards", "3"]
        let reference = scratch.appendingPathComponent("shard-reference").path
        XCTAssertEqual(try CLIRunner.run(common + ["--shard", "1", "--out", reference]).status, 0)
        let out = scratch.appendingPathComponent("shard-killed").path
        let killed = try renderKilled(common + ["--shard", "1", "--out", out], out: out, atBytes: bytesBelow(reference) / 2)
        XCTAssertTrue(killed, "the shard finished before the kill moment; nothing was resumed")
        let other = try CLIRunner.run(common + ["--shard", "2", "--out", out, "--resume"])
        XCTAssertEqual(other.status, 2, other.err)
        XCTAssertTrue(other.err.contains("--shard was 1 of 3, now 2 of 3"), other.err)
        let resumed = try CLIRunner.run(common + ["--shard", "1", "--out", out, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertEqual(try fileBytes(out), try fileBytes(reference), "resumed shard differs from the uninterrupted one")
    }
}

/// `metasim generate --resume`: the learned generator's dataset, killed and resumed, equals an
/// uninterrupted one; resuming with another checkpoint setting (`--prior`) is refused.
extension CLITests {
    func testGenerateKilledAndResumedEqualsAnUninterruptedDataset() throws {
        let experiment = try tinyExperiment(epochs: 1)
        let run = scratch.appendingPathComponent("run").path
        let trained = try metasim("train", "--config", experiment, "--out", run, "--quiet")
        XCTAssertEqual(trained.status, 0, trained.err)
        let common = ["generate", "--run", run, "--count", "700", "--seed", "3", "--format", "jsonl", "--quiet"]
        let reference = scratch.appendingPathComponent("learned-reference").path
        XCTAssertEqual(try CLIRunner.run(common + ["--out", reference]).status, 0)
        let out = scratch.appendingPathComponent("learned").path
        let killed = try renderKilled(common + ["--out", out], out: out, atBytes: bytesBelow(reference) / 2)
        if killed {
            let prior = try CLIRunner.run(common + ["--out", out, "--resume", "--prior"])
            XCTAssertEqual(prior.status, 2, prior.err)
            XCTAssertTrue(prior.err.contains("command was generate, now generate --prior"), prior.err)
        }
        let resumed = try CLIRunner.run(common + ["--out", out, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertEqual(try fileBytes(out), try fileBytes(reference), "resumed learned dataset differs from the uninterrupted one")
        XCTAssertTrue(killed, "generate finished before the kill moment; nothing was resumed")
    }
}
