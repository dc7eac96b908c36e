import Codecs
import Diagnostics
import Foundation
import Grammar
import NN
import Tensor
import XCTest
@testable import MetaSim

/// A training run stopped after a checkpoint and resumed must end where a run never stopped
/// ends: the same weights bit for bit, the same metrics (none repeated).
final class ResumeTests: XCTestCase {
    /// A sink that "kills" the run: it passes everything to `inner` and throws right after the
    /// `stopAfter`-th checkpoint (nothing after it is recorded, as with kill -9).
    final class StoppingSink: RunSink {
        struct Stopped: Error {}
        let inner: any RunSink
        let stopAfter: Int
        var saved = 0
        init(_ inner: any RunSink, stopAfter: Int) { self.inner = inner; self.stopAfter = stopAfter }
        func saveCheckpoint(_ checkpoint: TrainingCheckpoint, epoch: Int?) throws {
            try inner.saveCheckpoint(checkpoint, epoch: epoch)
            saved += 1
            if saved == stopAfter { throw Stopped() }
        }
        func record(_ metrics: [String: Any]) throws { try inner.record(metrics) }
        func writeGrid(name: String, images: [Image]) throws { try inner.writeGrid(name: name, images: images) }
        func writeResults(_ results: RunResults) throws { try inner.writeResults(results) }
    }

    func experiment(_ grammar: Grammar) -> Experiment {
        var e = Experiment(grammar: grammar.file, target: .rendered(grammar: "square-target", images: 16), name: "resume", seed: 5)
        e.transformer.hidden = [8]
        e.reconstruction = ReconstructionSettings(maxSteps: 12, threshold: 1e-6, learningRate: 0.02, batchSize: 4)
        e.matching = MatchingSettings(phaseSearch: 0, epochs: 3, stepsPerEpoch: 4, batchSize: 4, learningRate: 0.02, learningRateDecay: 0.9)
        e.taskNetwork.trainImages = 8
        return e
    }

    func trainer(_ e: Experiment, _ grammar: Grammar, _ target: TargetSet, sink: any RunSink) throws -> MetaSimTrainer {
        try MetaSimTrainer(experiment: e, parts: try TrainerParts(grammar: grammar, features: centroid, target: target), sink: sink)
    }

    /// Metrics without wall-clock fields, comparable across runs.
    func comparable(_ records: [[String: Any]]) -> [String] {
        records.map { r in
            var r = r
            r["seconds"] = nil
            return String(decoding: try! JSONSerialization.data(withJSONObject: r, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    func testStoppedAndResumedRunEqualsAnUninterruptedOneInMemory() throws {
        let prior = try squareGrammar(locX: 4, mutable: true)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 3, images: 16)
        let e = experiment(prior)

        let whole = MemorySink()
        let wholeTrainer = try trainer(e, prior, target, sink: whole)
        _ = try wholeTrainer.run()

        // Checkpoints: stage 1, epochs 1, 2, 3, complete. Stop after stage 1, and after epoch 2.
        for stopAfter in [1, 3] {
            let first = MemorySink()
            XCTAssertThrowsError(try trainer(e, prior, target, sink: StoppingSink(first, stopAfter: stopAfter)).run())
            let checkpoint = try XCTUnwrap(first.checkpoints.last).training
            XCTAssertEqual(checkpoint.state.metricsRecords, first.metrics.count)
            XCTAssertEqual(checkpoint.optimizer != nil, stopAfter == 3, "matching checkpoints carry Adam's state")
            let resumed = first  // the same sink continues, as a run folder does
            resumed.truncateMetrics(to: checkpoint.state.metricsRecords ?? 0)
            let second = try trainer(e, prior, target, sink: resumed)
            try second.resume(from: checkpoint)
            _ = try second.run()

            XCTAssertEqual(second.transformer.state.keys.sorted(), wholeTrainer.transformer.state.keys.sorted())
            for (name, value) in wholeTrainer.transformer.state {
                XCTAssertEqual(second.transformer.state[name]?.data, value.data, "\(name) bitwise equal (stopped after checkpoint \(stopAfter))")
            }
            XCTAssertEqual(comparable(resumed.metrics), comparable(whole.metrics), "the same records, none repeated")
            XCTAssertEqual(second.sampleCursor, wholeTrainer.sampleCursor)
            XCTAssertEqual(resumed.checkpoints.last?.state.complete, true)
        }
    }

    /// With a start search and `matching.hold_weight`, the shifts stage 1 was re-centred on
    /// (the hold term's target) carry over: stopped after the shifted stage 1 and after epoch 1.
    func testResumeCarriesTheStartShiftsTheHoldAimsAt() throws {
        let prior = try squareGrammar(locX: 4, mutable: true, locY: 5)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false, locY: 12), seed: 3, images: 16)
        var e = experiment(prior)
        e.matching.startSearches = [StartSearchSettings(attributes: ["loc_y"], points: [4])]
        e.matching.mmdAttributes = ["loc_x"]
        e.matching.holdWeight = 10
        let whole = MemorySink()
        let wholeTrainer = try trainer(e, prior, target, sink: whole)
        _ = try wholeTrainer.run()
        XCTAssertFalse(wholeTrainer.stageOneShifts.isEmpty, "the search moved y")
        XCTAssertEqual(whole.checkpoints.first { $0.state.stage == "matching" }?.state.stageOneShifts, wholeTrainer.stageOneShifts)

        // Checkpoints: stage 1, stage 1 shifted, epochs 1, 2, 3, complete.
        for stopAfter in [2, 3] {
            let first = MemorySink()
            XCTAssertThrowsError(try trainer(e, prior, target, sink: StoppingSink(first, stopAfter: stopAfter)).run())
            let checkpoint = try XCTUnwrap(first.checkpoints.last).training
            first.truncateMetrics(to: checkpoint.state.metricsRecords ?? 0)
            let second = try trainer(e, prior, target, sink: first)
            try second.resume(from: checkpoint)
            _ = try second.run()
            for (name, value) in wholeTrainer.transformer.state {
                XCTAssertEqual(second.transformer.state[name]?.data, value.data, "\(name) bitwise equal (stopped after checkpoint \(stopAfter))")
            }
            XCTAssertEqual(comparable(first.metrics), comparable(whole.metrics), "the same records, none repeated")
        }
    }

    /// With stage 3 mixed in, the task objective's random state and REINFORCE baseline carry
    /// over too: a two-class scene (the reward varies, so the baseline and the sampled
    /// attributes reach the weights), stopped after epoch 1 of 3.
    func testResumeCarriesTheTaskObjectivesRandomStateAndBaseline() throws {
        func twoClasses(_ x: Double, mutable: Bool) throws -> Grammar {
            try Grammar.parse(text: """
                canvas: {width: 16, height: 16, channels: 1}
                root: Canvas
                rules:
                  Canvas: {children: [Background, Square]}
                  Background: {attributes: {texture: 0}}
                  Square:
                    class: {categorical: [a, b]}
                    attributes:
                      shape: rectangle
                      texture: 1
                      size: {uniform: [3, 6], range: [0, 16]}
                      loc_x: {constant: \(x), range: [0, 16], mutable: \(mutable)}
                      loc_y: {uniform: [4, 12], range: [0, 16]}
                """, file: mutable ? "two-prior" : "two-target")
        }
        let prior = try twoClasses(4, mutable: true)
        let target = try TargetSet.render(grammar: try twoClasses(11, mutable: false), seed: 3, images: 16, validation: 12)
        var e = experiment(prior)
        e.task = TaskSettings(sigma: 0.1, weight: 1, images: 12, every: 2)
        e.taskNetwork.batchSize = 4

        let whole = MemorySink()
        let wholeTrainer = try trainer(e, prior, target, sink: whole)
        _ = try wholeTrainer.run()
        let rewards = whole.metrics.compactMap { $0["task_reward"] as? Double }
        XCTAssertEqual(rewards.count, 6, "a reward every 2 of 12 steps")

        let cut = MemorySink()
        XCTAssertThrowsError(try trainer(e, prior, target, sink: StoppingSink(cut, stopAfter: 2)).run())
        let checkpoint = try XCTUnwrap(cut.checkpoints.last).training
        XCTAssertNotNil(checkpoint.state.taskRandomState)
        XCTAssertNotNil(checkpoint.state.taskBaselineBits, "rewards were taken before epoch 1 ended")
        cut.truncateMetrics(to: checkpoint.state.metricsRecords ?? 0)
        let resumed = try trainer(e, prior, target, sink: cut)
        try resumed.resume(from: checkpoint)
        _ = try resumed.run()
        for (name, value) in wholeTrainer.transformer.state {
            XCTAssertEqual(resumed.transformer.state[name]?.data, value.data, name)
        }
        XCTAssertEqual(comparable(cut.metrics), comparable(whole.metrics))
    }

    /// The same through a run folder: stopped after epoch 1, `RunFolderStart(.resume)` finds the
    /// newest checkpoint, cuts metrics.jsonl back, and the run completes with the weights of an
    /// uninterrupted run in another folder.
    func testResumeInARunFolderReachesTheSameWeightsAndMetrics() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let prior = try squareGrammar(locX: 4, mutable: true)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 3, images: 16)
        let e = experiment(prior)

        _ = try trainer(e, prior, target, sink: try FolderSink(creating: root + "/whole")).run()

        XCTAssertThrowsError(try trainer(e, prior, target, sink: StoppingSink(try FolderSink(creating: root + "/cut"), stopAfter: 2)).run())
        // A kill can also leave records after the checkpoint: they must go.
        let metricsPath = root + "/cut/metrics.jsonl"
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: metricsPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((#"{"stage":"matching","step":999}"# + "\n{\"partial").utf8))
        try handle.close()
        XCTAssertFalse(RunFolder(existing: root + "/cut").isComplete)
        XCTAssertThrowsError(try Generator(run: RunFolder(existing: root + "/cut"))) {
            XCTAssertTrue("\($0)".contains("did not complete"), "\($0)")
        }

        var start = try RunFolderStart(path: root + "/cut", mode: .resume)
        let checkpoint = try XCTUnwrap(start.checkpoint)
        XCTAssertEqual(checkpoint.state.stage, "matching")
        XCTAssertEqual(checkpoint.state.epoch, 1)
        let resumed = try trainer(e, prior, target, sink: try start.makeSink())
        try resumed.resume(from: checkpoint)
        _ = try resumed.run()

        let a = try SafetensorsFile(path: root + "/whole/transformer.safetensors").allTensors()
        let b = try SafetensorsFile(path: root + "/cut/transformer.safetensors").allTensors()
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
        for (name, value) in a { XCTAssertEqual(b[name]?.data, value.data, name) }
        func lines(_ path: String) throws -> [[String: Any]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        XCTAssertEqual(comparable(try lines(metricsPath)), comparable(try lines(root + "/whole/metrics.jsonl")))
        XCTAssertTrue(RunFolder(existing: root + "/cut").isComplete)
        XCTAssertTrue(RunFolder(existing: root + "/cut").isComplete, "complete now")
        XCTAssertThrowsError(try RunFolderStart(path: root + "/cut", mode: .resume)) {
            XCTAssertTrue("\($0)".contains("already completed"), "\($0)")
        }
    }

    /// A checkpoint whose settings differ from the experiment's is refused before anything is
    /// changed.
    func testResumeRefusesAnotherExperimentsCheckpoint() throws {
        let prior = try squareGrammar(locX: 4, mutable: true)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 3, images: 16)
        let e = experiment(prior)
        let sink = MemorySink()
        XCTAssertThrowsError(try trainer(e, prior, target, sink: StoppingSink(sink, stopAfter: 2)).run())
        var other = e
        other.matching.learningRate = 0.05
        XCTAssertThrowsError(try trainer(other, prior, target, sink: MemorySink()).resume(from: try XCTUnwrap(sink.checkpoints.last).training)) {
            XCTAssertEqual(($0 as? InputError)?.path, "settings", "\($0)")
        }
        var wider = e
        wider.transformer.hidden = [9]
        XCTAssertThrowsError(try trainer(wider, prior, target, sink: MemorySink()).resume(from: try XCTUnwrap(sink.checkpoints.last).training)) {
            XCTAssertEqual(($0 as? InputError)?.path, "hidden", "\($0)")
        }
    }

    /// Training that goes non-finite stops with an error naming the learning rate; the NaN
    /// weights are never saved.
    func testDivergenceStopsTheRunWithoutSavingNaNWeights() throws {
        let prior = try squareGrammar(locX: 4, mutable: true)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 3, images: 16)
        var e = experiment(prior)
        e.file = "exp.yaml"
        let sink = MemorySink()
        let nanFeatures = FeatureFunction { images in images.mean(axes: [2, 3]) * Float.nan }
        let trainer = try MetaSimTrainer(experiment: e, parts: try TrainerParts(grammar: prior, features: nanFeatures, target: target), sink: sink)
        XCTAssertThrowsError(try trainer.run()) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.file, "exp.yaml")
            XCTAssertEqual(e?.path, "matching.learning_rate")
            XCTAssertTrue(e?.message.contains("diverged") == true, "\(error)")
        }
        XCTAssertEqual(sink.checkpoints.map(\.state.stage), ["reconstruction"], "only the finite stage-1 checkpoint")
        XCTAssertNil(sink.results)
    }
}
