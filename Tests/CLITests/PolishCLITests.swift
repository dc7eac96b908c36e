import Foundation
import XCTest
import TestSupport

/// What every command shares: examples in help, --version, --grammar, one `error:` prefix, and
/// `report`/`render` label files as a person meets them.
final class PolishCLITests: XCTestCase {
    @discardableResult
    func metasim(_ arguments: String...) throws -> (status: Int32, out: String, err: String) {
        try CLIRunner.run(arguments)
    }

    func testEveryCommandsHelpHasAnExampleAndVersionPrints() throws {
        for command in ["validate", "sample", "encode", "render", "train", "report", "generate", "verify", "evaluate", "demo", "bench"] {
            let help = try metasim("help", command)
            XCTAssertEqual(help.status, 0, command)
            XCTAssertTrue(help.out.contains("Example: metasim \(command)"), "\(command): \(help.out)")
        }
        // Placeholders say the option's own name.
        XCTAssertTrue(try metasim("help", "generate").out.contains("--run <run>"))
        XCTAssertTrue(try metasim("help", "bench").out.contains("--filter <filter>"))
        let version = try metasim("--version")
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.out.hasPrefix("metasim "), version.out)
    }

    func testValidateTakesGrammarAsFlagOrArgument() throws {
        XCTAssertEqual(try metasim("validate", "--grammar", "examples/grammars/shapes.yaml").status, 0)
        XCTAssertEqual(try metasim("validate", "examples/grammars/shapes.yaml").status, 0)
        let both = try metasim("validate", "--grammar", "examples/grammars/shapes.yaml", "examples/grammars/shapes.yaml")
        XCTAssertEqual(both.status, 2)
        XCTAssertTrue(both.err.hasPrefix("error: "), both.err)
        let neither = try metasim("validate")
        XCTAssertEqual(neither.status, 2)
        XCTAssertTrue(neither.err.hasPrefix("error: ") && neither.err.contains("--grammar"), neither.err)
    }

    func testErrorsShareOnePrefix() throws {
        let badFlag = try metasim("render", "--nonsense")
        XCTAssertEqual(badFlag.status, 2)
        XCTAssertTrue(badFlag.err.hasPrefix("error: "), badFlag.err)
        let bench = try metasim("bench", "--filter", "nope")
        XCTAssertEqual(bench.status, 2)
        XCTAssertTrue(bench.err.hasPrefix("error: --filter: no benchmark figure's name starts with 'nope'"), bench.err)
        let report = try metasim("report", FileManager.default.temporaryDirectory.appendingPathComponent("no-run-\(UUID())").path)
        XCTAssertEqual(report.status, 2)
        XCTAssertTrue(report.err.hasPrefix("error: ") && report.err.contains("no metrics.jsonl"), report.err)
    }

    func testRenderedDatasetsShareTheGrammarsObjectClasses() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        var maps: [String: Any] = [:]
        for format in ["imagefolder", "coco", "jsonl", "webdataset"] {
            let out = base + "/" + format
            let result = try metasim("render", "--grammar", "examples/grammars/mnist.yaml", "--count", "20", "--seed", "1",
                                     "--out", out, "--format", format, "--quiet")
            XCTAssertEqual(result.status, 0, result.err)
            let map = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/classes.json"))) as? [String: Any]
            maps[format] = map?["classes"]
            if format == "coco" {
                let coco = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/annotations.json"))) as? [String: Any]
                let names = (coco?["categories"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                XCTAssertEqual(names, (0...9).map(String.init), "no Image, Background or Scene category")
            }
        }
        for (format, classes) in maps { XCTAssertEqual(classes as? [String], (0...9).map(String.init), format) }
    }
}
