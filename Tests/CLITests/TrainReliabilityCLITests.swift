import Foundation
import XCTest

/// `train`, `generate` and `evaluate` as a user meets them after a failure, a kill or a bad
/// flag (cases r03, r18, r25, r39, r40, r42): run folders are never reused silently, unfinished
/// runs are not turned into datasets, nonsense training settings are refused.
extension CLITests {
    /// A tiny experiment on a toy square scene (seconds): prior x = 8, target x = 20.
    func tinyExperiment(epochs: Int = 2) throws -> String {
        _ = try write("prior.yaml", CLIRunner.squareGrammar(locX: "constant: 8"))
        _ = try write("target.yaml", CLIRunner.squareGrammar(locX: "constant: 20"))
        return try write("exp.yaml", """
            grammar: prior.yaml
            target: {render: {grammar: target.yaml, images: 8}}
            features: {stages: [group1_mean]}
            mmd: {bank_size: 8}
            transformer: {hidden: [8]}
            reconstruction: {max_steps: 2, batch_size: 4}
            matching: {phase_search: 0, epochs: \(epochs), steps_per_epoch: 2, batch_size: 4}
            task_network: {train_images: 8, epochs: 1}
            """)
    }

    func testTrainNeverReusesARunFolderSilently() throws {
        let experiment = try tinyExperiment()
        let run = scratch.appendingPathComponent("run").path
        let first = try metasim("train", "--config", experiment, "--out", run, "--quiet")
        XCTAssertEqual(first.status, 0, first.err)
        let state = try String(contentsOfFile: run + "/transformer.json", encoding: .utf8)
        XCTAssertTrue(state.contains(#""complete" : true"#), state)
        let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)

        let again = try metasim("train", "--config", experiment, "--out", run, "--quiet")
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.err.contains("--resume") && again.err.contains("--overwrite"), again.err)
        XCTAssertEqual(try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8), metrics, "untouched")
        XCTAssertEqual(try metasim("train", "--config", experiment, "--out", run, "--resume", "--overwrite").status, 2)
        let resumeDone = try metasim("train", "--config", experiment, "--out", run, "--resume", "--quiet")
        XCTAssertEqual(resumeDone.status, 2)
        XCTAssertTrue(resumeDone.err.contains("already completed"), resumeDone.err)

        // A run that did not complete: generate refuses it, unless a checkpoint is named.
        try state.replacingOccurrences(of: #""complete" : true"#, with: #""complete" : false"#)
            .write(toFile: run + "/transformer.json", atomically: true, encoding: .utf8)
        let refused = try metasim("generate", "--run", run, "--count", "2", "--out", scratch.appendingPathComponent("ds").path, "--quiet")
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.err.contains("did not complete") && refused.err.contains("--resume"), refused.err)
        let named = try metasim("generate", "--run", run, "--count", "2", "--out", scratch.appendingPathComponent("ds2").path,
                                "--checkpoint", "checkpoints/epoch-002", "--quiet")
        XCTAssertEqual(named.status, 0, named.err)

        // The unfinished run resumes from its newest checkpoint (epoch 2 of 2: evaluation only).
        let resumed = try metasim("train", "--config", experiment, "--out", run, "--resume", "--quiet")
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertEqual(try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8), metrics, "no record repeated")

        let replaced = try metasim("train", "--config", experiment, "--out", run, "--overwrite", "--quiet")
        XCTAssertEqual(replaced.status, 0, replaced.err)
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("run.replaced") }
        XCTAssertEqual(left, [], "the old run is deleted once the new one completes")
    }

    /// Two labelled folders rendered from a two-class grammar.
    func labelledFolders() throws -> (train: String, test: String) {
        let grammar = try write("two.yaml", """
            canvas: {width: 16, height: 16}
            root: Img
            rules:
              Img: {children: [Background, Obj]}
              Background: {attributes: {texture: 0}}
              Obj:
                class: {categorical: [a, b]}
                attributes: {shape: rectangle, size: 6, texture: 1, loc_x: {uniform: [4, 12], range: [0, 16]}}
            """)
        let train = scratch.appendingPathComponent("train").path, test = scratch.appendingPathComponent("test").path
        XCTAssertEqual(try metasim("render", "--grammar", grammar, "--count", "40", "--seed", "1", "--out", train, "--quiet").status, 0)
        XCTAssertEqual(try metasim("render", "--grammar", grammar, "--count", "20", "--seed", "2", "--out", test, "--quiet").status, 0)
        return (train, test)
    }

    /// `--seed` replaces the experiment's seed (the run's settings say so); a bad one is refused.
    func testTrainSeedOverridesTheExperimentsSeed() throws {
        let experiment = try tinyExperiment(epochs: 1)
        let run = scratch.appendingPathComponent("seeded").path
        let result = try metasim("train", "--config", experiment, "--out", run, "--seed", "7", "--quiet")
        XCTAssertEqual(result.status, 0, result.err)
        let settings = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/settings.json"))) as? [String: Any]
        XCTAssertEqual(settings?["seed"] as? String, "7", "\(String(describing: settings))")
        XCTAssertEqual(try metasim("train", "--config", experiment, "--out", run + "2", "--seed", "-1").status, 2)
    }

    func testEvaluateRefusesSettingsThatCannotGiveAMeaningfulAccuracy() throws {
        let (train, test) = try labelledFolders()
        for (flag, value) in [("--learning-rate", "inf"), ("--learning-rate", "1e30"), ("--learning-rate", "nan"),
                              ("--batch-size", "9223372036854775807"), ("--width", "0"), ("--width", "100000")] {
            let result = try metasim("evaluate", "--train", train, "--test", test, "--epochs", "1", flag, value, "--quiet")
            XCTAssertEqual(result.status, 2, "\(flag) \(value): \(result.out) \(result.err)")
        }
        // Test classes the training folder lacks (r40), and one-class folders (r25).
        let odd = scratch.appendingPathComponent("odd/zzz")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
        let anImage = try XCTUnwrap(FileManager.default.enumerator(atPath: test)?.compactMap { $0 as? String }.first { $0.hasSuffix(".png") })
        try FileManager.default.copyItem(atPath: test + "/" + anImage, toPath: odd.appendingPathComponent("x.png").path)
        let unknown = try metasim("evaluate", "--train", train, "--test", odd.deletingLastPathComponent().path, "--epochs", "1", "--quiet")
        XCTAssertEqual(unknown.status, 2, unknown.out)
        XCTAssertTrue(unknown.err.contains("zzz"), unknown.err)
        let single = try metasim("evaluate", "--train", odd.deletingLastPathComponent().path, "--test", odd.deletingLastPathComponent().path, "--quiet")
        XCTAssertEqual(single.status, 2, single.out)
        XCTAssertTrue(single.err.contains("one class"), single.err)
        let fine = try metasim("evaluate", "--train", train, "--test", test, "--epochs", "1", "--quiet")
        XCTAssertEqual(fine.status, 0, fine.err)
    }

    /// `evaluate --task detection` on KITTI folders that `render --format kitti` wrote: KITTI's AP
    /// as JSON, or the text table; classification's options refused where they do not apply.
    func testEvaluateDetectionScoresKITTIFolders() throws {
        let grammar = try write("cars.yaml", """
            canvas: {width: 32, height: 32}
            root: Img
            rules:
              Img: {children: [Background, Car]}
              Background: {attributes: {texture: 0}}
              Car:
                class: car
                attributes: {shape: rectangle, size: 10, texture: 1, loc_x: {uniform: [8, 24], range: [0, 32]}, loc_y: {uniform: [8, 24], range: [0, 32]}}
            """)
        let train = scratch.appendingPathComponent("cars-train").path, test = scratch.appendingPathComponent("cars-test").path
        XCTAssertEqual(try metasim("render", "--grammar", grammar, "--count", "16", "--seed", "1", "--out", train, "--format", "kitti", "--quiet").status, 0)
        XCTAssertEqual(try metasim("render", "--grammar", grammar, "--count", "8", "--seed", "2", "--out", test, "--format", "kitti", "--quiet").status, 0)
        let json = try metasim("evaluate", "--task", "detection", "--train", train, "--test", test, "--epochs", "1", "--batch-size", "8",
                               "--schedule", "cosine", "--json", "--quiet")
        XCTAssertEqual(json.status, 0, json.err)
        let scores = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any], json.out)
        XCTAssertEqual(scores["classes"] as? [String], ["car"])
        XCTAssertEqual(scores["train_images"] as? Int, 16)
        XCTAssertEqual(scores["test_images"] as? Int, 8)
        let moderate = try XCTUnwrap(scores["ap_moderate"] as? Double, json.out)
        XCTAssertTrue((0...1).contains(moderate), json.out)
        let text = try metasim("evaluate", "--task", "detection", "--train", train, "--test", test, "--classes", "car", "--epochs", "1", "--quiet")
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertTrue(text.out.contains("moderate: AP "), text.out)
        for arguments in [["--classes", "car"], ["--task", "segmentation"], ["--task", "boxes"], ["--schedule", "step"]] {
            let refused = try CLIRunner.run(["evaluate", "--train", train, "--test", test, "--quiet"] + arguments)
            XCTAssertEqual(refused.status, 2, "\(arguments): \(refused.out) \(refused.err)")
        }
        let unknownClass = try metasim("evaluate", "--task", "detection", "--train", train, "--test", test, "--classes", "truck", "--quiet")
        XCTAssertEqual(unknownClass.status, 2, unknownClass.out)
        XCTAssertTrue(unknownClass.err.contains("truck") && unknownClass.err.contains("--train"), unknownClass.err)
    }
}

/// Case r27: what only the renderer reads is checked by `validate`, and `render` names the
/// grammar file and rule instead of "graph 0: nodes[0]".
extension CLITests {
    func testValidateAndRenderReportRendererProblemsInTheGrammarsTerms() throws {
        let shape = try write("shape.yaml", """
            canvas: {width: 32, height: 32}
            root: R
            rules:
              R: {attributes: {shape: hexagram, size: 8}}
            """)
        let channels = try write("channels.yaml", """
            canvas: {width: 32, height: 32, channels: 4}
            root: Background
            rules:
              Background: {attributes: {texture: 0.5}}
            """)
        for (grammar, path) in [(shape, "rules.R.attributes.shape"), (channels, "canvas.channels")] {
            let validated = try metasim("validate", grammar)
            XCTAssertEqual(validated.status, 2, validated.out)
            XCTAssertTrue(validated.err.contains("error: \(grammar): \(path)"), validated.err)
            let rendered = try metasim("render", "--grammar", grammar, "--count", "1", "--out", scratch.appendingPathComponent(path).path,
                                       "--format", "jsonl", "--quiet")
            XCTAssertEqual(rendered.status, 2)
            XCTAssertTrue(rendered.err.contains("error: \(grammar): \(path)"), rendered.err)
        }
    }
}
