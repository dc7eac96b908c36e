import Foundation
import XCTest

/// `render --renderer EXPERIMENT [--workers N]`: the dataset drawn by an external engine over the
/// bridge (the toy renderer) is the same, byte for byte, with one or three workers; bad options
/// are exit-2 errors naming the file and field.
extension ShardCLITests {
    func testRenderThroughAPoolOfExternalWorkersEqualsOneWorker() throws {
        let experiment = scratch + "/engine.yaml"
        try "renderer: {command: [python3, examples/bridge/toy_renderer.py], workers: 1}\n"
            .write(toFile: experiment, atomically: true, encoding: .utf8)
        let one = scratch + "/one", three = scratch + "/three"
        let a = try render(one, count: 7, format: "jsonl", ["--renderer", experiment])
        XCTAssertEqual(a.status, 0, a.err)
        let b = try render(three, count: 7, format: "jsonl", ["--renderer", experiment, "--workers", "3"])
        XCTAssertEqual(b.status, 0, b.err)
        let files = try tree(one)
        XCTAssertEqual(files.keys.filter { $0.hasSuffix(".png") }.count, 7)
        XCTAssertEqual(files, try tree(three))

        let alone = try render(scratch + "/x", count: 2, format: "jsonl", ["--workers", "2"])
        XCTAssertEqual(alone.status, 2)
        XCTAssertTrue(alone.err.contains("--workers needs --renderer"), alone.err)
        try "seed: 1\n".write(toFile: experiment, atomically: true, encoding: .utf8)
        let missing = try render(scratch + "/y", count: 2, format: "jsonl", ["--renderer", experiment])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("\(experiment): renderer: missing"), missing.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/y"), "nothing written")
    }
}

extension GenerateCLITests {
    /// `generate --renderer`: a trained run's learned scenes drawn by the external engine, the
    /// same bytes with one or two workers.
    func testGenerateThroughExternalWorkers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generate-external-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let grammar = folder + "/prior.yaml", engine = folder + "/engine.yaml"
        try CLIRunner.squareGrammar(locX: "constant: 8").write(toFile: grammar, atomically: true, encoding: .utf8)
        try "renderer: {command: [python3, examples/bridge/toy_renderer.py]}\n".write(toFile: engine, atomically: true, encoding: .utf8)
        let run = try runFolder(recordedGrammar: grammar)
        var outputs: [[String: Data]] = []
        for workers in ["1", "2"] {
            let out = folder + "/out-" + workers
            let r = try CLIRunner.run(["generate", "--run", run, "--count", "5", "--seed", "3", "--out", out, "--format", "jsonl",
                                       "--quiet", "--renderer", engine, "--workers", workers])
            XCTAssertEqual(r.status, 0, r.err)
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: out + "/images") {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/images/" + name))
            }
            files["dataset.jsonl"] = try Data(contentsOf: URL(fileURLWithPath: out + "/dataset.jsonl"))
            outputs.append(files)
        }
        XCTAssertEqual(outputs[0].count, 6)
        XCTAssertEqual(outputs[0], outputs[1])
    }
}
