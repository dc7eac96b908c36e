import Diagnostics
import Foundation
import Grammar
import NN
import Tensor
import XCTest
@testable import MetaSim

/// Run folders never lie: what a checkpoint's state says is checked before it is used, weights
/// from a diverged run are refused, a folder holding a run is not silently reused.
final class RunFolderTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("runfolder-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A run folder with one checkpoint of the shapes grammar (a real file, so `Generator` can
    /// load it), marked complete when `complete`.
    func makeRun(_ name: String = "run", complete: Bool = true, hidden: [Int] = [4],
                 edit: (inout [String: Tensor]) -> Void = { _ in }) throws -> RunFolder {
        let run = try RunFolder(creating: root + "/" + name)
        let shapes = repositoryRoot + "/examples/grammars/shapes.yaml"
        let grammar = try Grammar.load(path: shapes)
        let transformer = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count, hidden: hidden, seed: 3)
        var state = CheckpointState(grammar: shapes, schema: grammar.schema, hidden: hidden, seed: 3, stage: "matching",
                                    epoch: 1, step: 4, sampleCursor: 40)
        state.complete = complete
        var weights = transformer.state
        edit(&weights)
        try state.save(weights: weights, optimizer: nil, to: run.latest)
        return run
    }

    /// Rewrites one field of `RUN/transformer.json`.
    func editState(_ run: RunFolder, _ key: String, _ value: Any) throws {
        let path = run.latest + ".json"
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json[key] = value
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }

    /// Case r10: `hidden` of 1e8 or -5 in the state must not reach an allocation.
    func testStateSizesAreBoundedBeforeAnythingIsAllocated() throws {
        for hidden: Any in [[100_000_000], [-5], [], Array(repeating: 4, count: 1000)] {
            let run = try makeRun()
            try editState(run, "hidden", hidden)
            XCTAssertThrowsError(try Generator(run: run), "hidden \(hidden)") { error in
                XCTAssertTrue("\(error)".contains(run.latest + ".json"), "names transformer.json: \(error)")
                XCTAssertTrue("\(error)".contains("hidden"), "\(error)")
            }
            try FileManager.default.removeItem(atPath: run.path)
        }
        // A width within bounds that the weights do not hold is caught from the file sizes.
        let run = try makeRun()
        try editState(run, "hidden", [4000])
        XCTAssertThrowsError(try Generator(run: run)) { XCTAssertTrue("\($0)".contains("holds"), "\($0)") }
        let negative = try makeRun("negative")
        try editState(negative, "sampleCursor", -1)
        XCTAssertThrowsError(try Generator(run: negative)) { XCTAssertTrue("\($0)".contains("sampleCursor"), "\($0)") }
    }

    /// Case r17: NaN (or absurd) weights are refused with "non-finite weights", never turned
    /// silently into the prior's data.
    func testNonFiniteOrHugeWeightsAreRefused() throws {
        let nan = try makeRun("nan") { w in
            let name = w.keys.sorted()[0]
            w[name] = Tensor(shape: w[name]!.shape, data: w[name]!.data.map { _ in Float.nan })
        }
        XCTAssertThrowsError(try Generator(run: nan)) { error in
            XCTAssertTrue("\(error)".contains("non-finite weights"), "\(error)")
            XCTAssertEqual((error as? InputError)?.file, nan.latest + ".safetensors")
        }
        let huge = try makeRun("huge") { w in
            let name = w.keys.sorted()[0]
            w[name] = Tensor(shape: w[name]!.shape, data: w[name]!.data.map { _ in 1e30 })
        }
        XCTAssertThrowsError(try Generator(run: huge)) { XCTAssertTrue("\($0)".contains("implausibly large"), "\($0)") }
        XCTAssertNoThrow(try Generator(run: try makeRun("fine")))
    }

    /// Case r42: a run that did not complete is refused unless a checkpoint is named.
    func testGenerateRefusesARunThatDidNotComplete() throws {
        let run = try makeRun(complete: false)
        XCTAssertThrowsError(try Generator(run: run)) { error in
            XCTAssertEqual((error as? InputError)?.path, "complete")
            XCTAssertTrue("\(error)".contains("--resume"), "\(error)")
        }
        XCTAssertNoThrow(try Generator(run: run, checkpoint: "transformer"))
        XCTAssertNoThrow(try Generator(run: run, checkpoint: run.latest + ".json"))
    }

    /// A kill between the weights and the state of one save leaves them from different saves:
    /// that checkpoint is refused, and resuming picks the newest one that is whole.
    func testStateAndWeightsFromDifferentSavesAreToldApart() throws {
        let run = try makeRun(complete: false)
        let epoch1 = run.checkpoint(epoch: 1)
        for ext in [".json", ".safetensors"] { try FileManager.default.copyItem(atPath: run.latest + ext, toPath: epoch1 + ext) }
        try editState(run, "step", 5)  // state of a later save, weights of the earlier one
        XCTAssertThrowsError(try TrainingCheckpoint.load(from: run.latest)) {
            XCTAssertTrue("\($0)".contains("interrupted"), "\($0)")
        }
        XCTAssertEqual(run.newestCheckpoint()?.state.step, 4, "the epoch checkpoint is whole")
    }

    /// Case r03: a folder holding a run is refused without --resume or --overwrite; overwrite
    /// keeps the old run aside until the new one completes.
    func testRunFolderStartRefusesReuseAndOverwritesOnlyOnCompletion() throws {
        let run = try makeRun()
        XCTAssertNoThrow(try RunFolderStart(path: root + "/new", mode: .new))
        XCTAssertThrowsError(try RunFolderStart(path: run.path, mode: .new)) { error in
            XCTAssertTrue("\(error)".contains("--resume") && "\(error)".contains("--overwrite"), "\(error)")
        }
        XCTAssertThrowsError(try RunFolderStart(path: run.path, mode: .resume), "no metrics.jsonl: nothing to resume")
        let file = root + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try RunFolderStart(path: file, mode: .overwrite))

        let notARun = root + "/not-a-run"
        try FileManager.default.createDirectory(atPath: notARun, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: notARun + "/notes.txt"))
        XCTAssertThrowsError(try RunFolderStart(path: notARun, mode: .overwrite), "only runs are replaced") {
            XCTAssertTrue("\($0)".contains("not a MetaSim run folder"), "\($0)")
        }

        var start = try RunFolderStart(path: run.path, mode: .overwrite)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.latest + ".json"), "nothing moved before makeSink")
        _ = try start.makeSink()
        let aside = try XCTUnwrap(start.aside)
        XCTAssertTrue(FileManager.default.fileExists(atPath: aside + "/transformer.json"), "old run kept aside")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.latest + ".json"), "the new run starts empty")
        try start.finish()
        XCTAssertFalse(FileManager.default.fileExists(atPath: aside), "removed once the new run completed")
    }

    /// Case r14: a metrics line that cannot be written (a full disk: /dev/full answers every
    /// write with ENOSPC) is an `InputError` naming metrics.jsonl that stops the run, not a
    /// crash; the checkpoint before it stays whole.
    func testAFullDiskStopsTheRunWithAnErrorNamingTheFile() throws {
        let run = try RunFolder(creating: root + "/full")
        try FileManager.default.createSymbolicLink(atPath: run.file("metrics.jsonl"), withDestinationPath: "/dev/full")
        let log = try MetricsLog(path: run.file("metrics.jsonl"), keepingLines: 0)
        XCTAssertThrowsError(try log.append(["a": 1])) { error in
            XCTAssertEqual((error as? InputError)?.file, run.file("metrics.jsonl"))
            XCTAssertTrue("\(error)".contains("cannot write"), "\(error)")
        }
        let prior = try squareGrammar(locX: 4, mutable: true)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 3, images: 8)
        var e = Experiment(grammar: prior.file, target: .rendered(grammar: "t", images: 8))
        e.transformer.hidden = [4]
        e.reconstruction = ReconstructionSettings(maxSteps: 3, batchSize: 2)
        let trainer = try MetaSimTrainer(experiment: e, parts: try TrainerParts(grammar: prior, features: centroid, target: target),
                                         sink: try FolderSink(continuing: run, records: 0))
        XCTAssertThrowsError(try trainer.run()) { XCTAssertTrue("\($0)".contains("metrics.jsonl"), "\($0)") }
    }

    /// Killed in stage 1, before any checkpoint: resuming starts again with an empty
    /// metrics.jsonl; a results.json beside a state saying `complete: false` does not make the
    /// run complete.
    func testResumeWithoutACheckpointStartsAgainAndCompletionIsTheStatesWord() throws {
        let run = try RunFolder(creating: root + "/early")
        try Data("{\"stage\":\"reconstruction\"}\n{\"sta".utf8).write(to: URL(fileURLWithPath: run.file("metrics.jsonl")))
        var start = try RunFolderStart(path: run.path, mode: .resume)
        XCTAssertNil(start.checkpoint)
        _ = try start.makeSink()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: run.file("metrics.jsonl"))).count, 0)

        let done = try makeRun("done", complete: false)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: done.file("results.json")))
        XCTAssertFalse(done.isComplete)
        try editState(done, "complete", NSNull())
        XCTAssertTrue(done.isComplete, "a state from before the field: results.json decides")
    }

    func testMetricsLogCutsBackToACheckpointsRecords() throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = root + "/metrics.jsonl"
        try Data("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"par".utf8).write(to: URL(fileURLWithPath: path))
        let log = try MetricsLog(path: path, keepingLines: 2)
        try log.append(["a": 9])
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "{\"a\":1}\n{\"a\":2}\n{\"a\":9}\n")
        XCTAssertThrowsError(try MetricsLog(path: path, keepingLines: 7)) { XCTAssertTrue("\($0)".contains("holds 3"), "\($0)") }
    }
}
