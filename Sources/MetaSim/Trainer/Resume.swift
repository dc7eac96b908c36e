import Diagnostics
import Foundation
import Grammar
import NN

extension Experiment {
    /// The settings that decide what training computes (seed, φ, MMD, transformer, stages 1–3,
    /// task network), as one string: a resumed run must have the same as the run it continues.
    /// Paths and the name are left out, so a moved experiment still resumes.
    public var trainingFingerprint: String {
        String(describing: (seed, features, mmd, transformer, reconstruction, matching, task, taskNetwork))
    }
}

extension MetaSimTrainer {
    /// Continues training from `checkpoint` (a `TrainingCheckpoint` of this experiment): the
    /// transformer's weights, the matching optimiser's state, the step, sample cursor, metrics
    /// count, stage-3 random state and baseline, the stage and epoch. `run()` then does only
    /// what the checkpoint had not done, and reaches the same weights as a run never stopped.
    ///
    /// Throws `InputError` (naming `source`) when the checkpoint belongs to another grammar
    /// encoding, network shape, seed or training settings, is already complete, or its weights
    /// or optimiser state do not fit.
    public func resume(from checkpoint: TrainingCheckpoint, source: String = "checkpoint") throws {
        try Self.checkResumable(checkpoint, experiment: experiment, grammar: grammar, source: source)
        let state = checkpoint.state
        try transformer.load(checkpoint.weights, source: source)
        if let bits = state.taskBaselineBits { task?.estimator.baseline = Float(bitPattern: bits) }
        if let text = state.taskRandomState, let random = UInt64(text, radix: 16) { task?.generator.state = random }
        resumedOptimizer = state.stage == "matching" ? checkpoint.optimizer : nil
        lastOptimizer = resumedOptimizer
        step = state.step
        sampleCursor = state.sampleCursor
        recordCount = state.metricsRecords ?? 0
        elapsedBefore = state.seconds ?? 0
        completedStage = state.stage
        stageOneShifts = state.stageOneShifts ?? [:]
        completedEpochs = state.stage == "matching" ? state.epoch : 0
    }

    /// Throws what `resume(from:)` would refuse, changing nothing: for checking before a run
    /// folder is touched.
    public static func checkResumable(_ checkpoint: TrainingCheckpoint, experiment: Experiment, grammar: Grammar,
                                      source: String = "checkpoint") throws {
        let state = checkpoint.state
        func refuse(_ path: String, _ message: String) -> InputError { InputError(file: source, path: path, message: message) }
        guard state.complete != true else { throw refuse("complete", "this run already completed: there is nothing to resume") }
        guard state.schema == grammar.schema else {
            throw refuse("schema", "the checkpoint encodes scenes differently from \(grammar.file): not this experiment's run")
        }
        guard state.hidden == experiment.transformer.hidden, state.seed == experiment.seed else {
            throw refuse("hidden", "the checkpoint's network (hidden \(state.hidden), seed \(state.seed)) is not this experiment's (hidden \(experiment.transformer.hidden), seed \(experiment.seed))")
        }
        if let settings = state.settings, settings != experiment.trainingFingerprint {
            throw refuse("settings", "the experiment's training settings differ from those this run was started with; start a new run (--overwrite) instead")
        }
        guard ["reconstruction", "reconstruction_shifted", "matching"].contains(state.stage) else {
            throw refuse("stage", "unknown stage '\(state.stage)'")
        }
        guard state.stage != "matching" || state.epoch <= experiment.matching.epochs else {
            throw refuse("epoch", "epoch \(state.epoch) is past the experiment's \(experiment.matching.epochs) epochs")
        }
        if state.stage == "matching", checkpoint.optimizer == nil {
            throw refuse("optimizer", "a matching checkpoint without the optimiser's state (written before resuming existed) cannot be continued exactly")
        }
    }
}
