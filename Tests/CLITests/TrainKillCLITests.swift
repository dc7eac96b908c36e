import Foundation
import XCTest

/// `metasim train --resume` after `kill -9` (issue 12): a small training killed at three
/// moments — picked by how many metrics records it has written — and resumed each time ends with
/// the weights of an uninterrupted run, byte for byte.
extension CLITests {
    /// Starts `metasim arguments` without waiting (output discarded).
    func startMetasim(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: CLITests.root)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func metricsLines(_ run: String) -> Int {
        guard let data = FileManager.default.contents(atPath: run + "/metrics.jsonl") else { return 0 }
        return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    func testTrainKilledAtThreeMomentsResumesToTheUninterruptedWeights() throws {
        let experiment = try tinyExperiment(epochs: 6)
        let reference = scratch.appendingPathComponent("reference").path
        XCTAssertEqual(try metasim("train", "--config", experiment, "--out", reference, "--quiet").status, 0)
        let total = metricsLines(reference)
        XCTAssertGreaterThanOrEqual(total, 4, "too few metrics records to pick kill moments")
        let expected = try Data(contentsOf: URL(fileURLWithPath: reference + "/transformer.safetensors"))

        let run = scratch.appendingPathComponent("killed").path
        var kills = 0
        for (attempt, moment) in [total / 4, total / 2, 3 * total / 4].enumerated() {
            var arguments = ["train", "--config", experiment, "--out", run, "--quiet"]
            if attempt > 0 { arguments.append("--resume") }
            let process = try startMetasim(arguments)
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, metricsLines(run) < max(1, moment), Date() < deadline { usleep(2_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            if process.terminationReason == .exit {   // it finished before the moment came
                XCTAssertEqual(process.terminationStatus, 0)
                break
            }
            XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        }
        XCTAssertGreaterThanOrEqual(kills, 2, "the training finished before most kill moments; nothing was tested")
        if FileManager.default.fileExists(atPath: run + "/results.json") == false {
            let resumed = try metasim("train", "--config", experiment, "--out", run, "--resume", "--quiet")
            XCTAssertEqual(resumed.status, 0, resumed.err)
        }
        let weights = try Data(contentsOf: URL(fileURLWithPath: run + "/transformer.safetensors"))
        XCTAssertEqual(weights, expected, "resumed weights differ from the uninterrupted run's")
        XCTAssertEqual(metricsLines(run), total)
    }
}
