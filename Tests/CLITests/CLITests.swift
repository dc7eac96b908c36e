import Foundation
import XCTest
import TestSupport

/// Runs the built `metasim` command as a user would and checks exit codes, messages and files.
final class CLITests: XCTestCase {
    static let root = Repository.root

    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    @discardableResult
    func metasim(_ arguments: String...) throws -> (status: Int32, out: String, err: String) {
        try CLIRunner.run(arguments)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testValidateGoodAndBadGrammars() throws {
        let good = try metasim("validate", "examples/grammars/mnist-original.json")
        XCTAssertEqual(good.status, 0, good.err)
        XCTAssertTrue(good.out.contains("mutable"), good.out)
        let bad = try write("bad.yaml", """
            canvas: {width: 32, height: 32}
            root: A
            rules:
              A:
                attributes:
                  x: {gaussian: {mean: 0, std: -1}, range: [0, 1]}
                  y: {uniform: [5, 1], range: [0, 9]}
            """)
        let result = try metasim("validate", bad)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("error: \(bad)"), result.err)
        XCTAssertTrue(result.err.contains("rules.A.attributes.x"), result.err)
        XCTAssertTrue(result.err.contains("rules.A.attributes.y"), result.err)
    }

    func testBadFlagsExitTwo() throws {
        XCTAssertEqual(try metasim("sample", "--grammar", "examples/grammars/mnist.yaml", "--count", "-3").status, 2)
        XCTAssertEqual(try metasim("render", "--nonsense").status, 2)
    }

    func testSampleIsDeterministicAndSplittable() throws {
        let whole = try metasim("sample", "--grammar", "examples/grammars/shapes.yaml", "--count", "6", "--seed", "4")
        let first = try metasim("sample", "--grammar", "examples/grammars/shapes.yaml", "--count", "2", "--seed", "4")
        let rest = try metasim("sample", "--grammar", "examples/grammars/shapes.yaml", "--count", "4", "--seed", "4", "--start", "2")
        XCTAssertEqual(whole.status, 0, whole.err)
        XCTAssertEqual(whole.out.split(separator: "\n").count, 6)
        XCTAssertEqual(whole.out, first.out + rest.out)
    }

    func testRenderWritesACompleteDataset() throws {
        let out = scratch.appendingPathComponent("digits").path
        let grid = scratch.appendingPathComponent("grid.png").path
        let result = try metasim("render", "--grammar", "examples/grammars/mnist.yaml", "--count", "20", "--seed", "1",
                                 "--out", out, "--format", "coco", "--grid", grid, "--quiet")
        XCTAssertEqual(result.status, 0, result.err)
        for file in ["metasim-dataset.json", "annotations.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: grid))
    }

    func testTrainRejectsBadExperimentBeforeWork() throws {
        let experiment = try write("e.yaml", """
            grammar: \(Self.root)/examples/grammars/mnist.yaml
            target: {images: \(scratch.path)/no-such-folder}
            matching: {batch_size: 0}
            """)
        let result = try metasim("train", "--config", experiment, "--out", scratch.appendingPathComponent("run").path)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("target.images"), result.err)
        XCTAssertTrue(result.err.contains("matching.batch_size"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("run").path), "no run folder before the checks pass")
    }

    func testTrainRejectsGrammarWithoutMutableAttributes() throws {
        let images = scratch.appendingPathComponent("targets")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let experiment = try write("e.yaml", """
            grammar: \(Self.root)/experiments/grammars/mnist-rot90.yaml
            target: {images: \(images.path)}
            """)
        let result = try metasim("train", "--config", experiment, "--out", scratch.appendingPathComponent("run").path)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("nothing for Meta-Sim to learn"), result.err)
    }

    func testGenerateNeedsARunFolder() throws {
        let result = try metasim("generate", "--run", scratch.path, "--count", "3", "--out", scratch.appendingPathComponent("out").path)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("transformer.json"), result.err)
    }

    /// A crop option's anchor is `centroid` or `frame`, and an extent (metres) comes only after
    /// `frame` and is positive; anything else is refused with the form.
    func testSensitivityCropAnchorIsChecked() throws {
        for option in ["crop:car:32:group2:sideways", "crop:car:32:group2:centroid:2.5", "crop:car:32:group2:frame:0"] {
            let bad = try metasim("sensitivity", "--config", "\(Self.root)/experiments/aerial.yaml", "--features", option)
            XCTAssertEqual(bad.status, 2, option)
            XCTAssertTrue(bad.err.contains("crop:CLASS:SIZE:STAGES[:centroid|frame[:EXTENT]]"), bad.err)
        }
    }
}
