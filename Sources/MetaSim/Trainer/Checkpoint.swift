import Codecs
import Datasets
import Diagnostics
import Foundation
import NN
import Scene
import Tensor

/// What a run saves so a generator can be used again, and training continued: the
/// transformer's weights (`NAME.safetensors`, which also holds the matching optimiser's state)
/// and a JSON state (`NAME.json`) saying which grammar and schema the weights belong to, the
/// network's shape, and how far training went.
///
/// The optional fields were added for resuming (`metasim train --resume`); states written
/// before them still load for `generate`.
public struct CheckpointState: Codable, Equatable, Sendable {
    /// Path of the grammar file the weights were trained on, as the run was given it.
    public var grammar: String
    /// That grammar's encoding schema; the weights only fit graphs encoded with it.
    public var schema: EncodingSchema
    /// The transformer's hidden layer widths (`TransformerSettings.hidden`).
    public var hidden: [Int]
    /// Input columns (class or attribute) the transformer does not see
    /// (`DistributionTransformer.ignoredClassColumns`, sorted); nil (none) in states written
    /// before the field existed.
    public var ignoredClassColumns: [Int]?
    /// Whether the transformer is residual (`DistributionTransformer.residual`); nil (false) in
    /// states written before the field existed and for plain transformers.
    public var residual: Bool?
    /// The share of the prior's spread the ignored attributes keep
    /// (`DistributionTransformer.blindSpread`, 0–1); nil (0) in states written before the field
    /// existed and for transformers without it.
    public var blindSpread: Double?
    /// The experiment's seed.
    public var seed: UInt64
    /// `reconstruction` (stage 1 done, phase search next), `reconstruction_shifted` (stage 1
    /// re-centred on the phase search's offsets, matching next) or `matching` (`epoch` done).
    public var stage: String
    /// Matching epochs done (0 in stage-1 states).
    public var epoch: Int
    /// Matching steps taken.
    public var step: Int
    /// The next generator sample index training would have used.
    public var sampleCursor: Int
    /// True only in the state written after the run's results: the run completed. False in
    /// every earlier state; nil in states written before this field existed (then a run counts
    /// as complete when it has `results.json`).
    public var complete: Bool?
    /// Metrics records written up to this checkpoint (`metrics.jsonl` lines).
    public var metricsRecords: Int?
    /// Wall-clock seconds of training up to this checkpoint.
    public var seconds: Double?
    /// The task objective's random generator state (hexadecimal) and REINFORCE baseline (the
    /// bit pattern of a 32-bit float), when stage 3 ran.
    public var taskRandomState: String?
    /// The baseline as `Float.bitPattern` (exact round trip); nil when there is none.
    public var taskBaselineBits: UInt32?
    /// The shifts (encoding column → shift) stage 1 was re-centred on after the start
    /// searches, the target of the hold term (`matching.hold_weight`); nil when there were none.
    public var stageOneShifts: [Int: AttributeShift]?
    /// The experiment's training settings this run was started with (see
    /// `Experiment.trainingFingerprint`): a resume must use the same.
    public var settings: String?
    /// SHA-256 (64 lower-case hex digits) of the weights file `BASE.safetensors` saved with
    /// this state, checked on load: a damaged or replaced weights file is refused. Nil in
    /// states written before the checksum existed (and in memory, before a save).
    public var weightsSHA256: String?

    /// A state with the required fields; the optional ones start nil and are set by the trainer.
    public init(grammar: String, schema: EncodingSchema, hidden: [Int], seed: UInt64, stage: String, epoch: Int,
                step: Int, sampleCursor: Int) {
        self.grammar = grammar
        self.schema = schema
        self.hidden = hidden
        self.seed = seed
        self.stage = stage
        self.epoch = epoch
        self.step = step
        self.sampleCursor = sampleCursor
    }

    /// Identifies one save; written into the weights file's metadata so that a state and
    /// weights from different saves (a write interrupted between the two files) are told apart.
    var saveKey: String { "\(stage)/\(epoch)/\(step)/\(sampleCursor)/\(metricsRecords ?? -1)" }

    /// Problems with the state's numbers, as (field, message): network sizes past
    /// `ExperimentLimits`, negative counters, stage-1 shifts off the schema or out of range. Checked before anything is allocated from them.
    public var problems: [(path: String, message: String)] {
        var out: [(path: String, message: String)] = []
        if hidden.isEmpty || hidden.count > ExperimentLimits.hiddenLayers {
            out.append(("hidden", "must list 1 to \(ExperimentLimits.hiddenLayers) layer widths, got \(hidden.count)"))
        }
        for (i, c) in (ignoredClassColumns ?? []).enumerated() where c < 0 || c >= schema.width {
            out.append(("ignoredClassColumns[\(i)]", "must be a column, 0 to \(schema.width - 1), got \(c)"))
        }
        for (column, shift) in (stageOneShifts ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = "stageOneShifts[\(column)]"
            if column < 0 || column >= schema.width { out.append((path, "must be a column, 0 to \(schema.width - 1)")) }
            if !shift.amount.isFinite { out.append(("\(path).amount", "must be a finite number")) }
            if let s = shift.spread, !(s > 0 && s <= 1) { out.append(("\(path).spread", "must be in (0, 1], got \(s)")) }
            if let c = shift.centre, !(c >= 0 && c <= 1) { out.append(("\(path).centre", "must be 0 to 1, got \(c)")) }
            if (shift.spread == nil) != (shift.centre == nil) { out.append((path, "spread and centre must be given together")) }
        }
        if let s = blindSpread, !(s >= 0 && s <= 1) {
            out.append(("blindSpread", "must be 0 to 1, got \(s)"))
        }
        for (i, w) in hidden.enumerated() where w < 1 || w > ExperimentLimits.hiddenWidth {
            out.append(("hidden[\(i)]", "must be 1 to \(ExperimentLimits.hiddenWidth), got \(w)"))
        }
        if schema.width < 1 || schema.width > ExperimentLimits.encodedWidth {
            out.append(("schema", "must encode 1 to \(ExperimentLimits.encodedWidth) columns per node, got \(schema.width)"))
        }
        for (name, value) in [("epoch", epoch), ("step", step), ("sampleCursor", sampleCursor), ("metricsRecords", metricsRecords ?? 0)] where value < 0 {
            out.append((name, "must be ≥ 0, got \(value)"))
        }
        if let seconds, !(seconds.isFinite && seconds >= 0) { out.append(("seconds", "must be a finite number ≥ 0")) }
        if let taskRandomState, UInt64(taskRandomState, radix: 16) == nil {
            out.append(("taskRandomState", "must be a 64-bit hexadecimal number"))
        }
        return out
    }

    /// Writes weights (and `optimizer`'s state) then the state, each through a temporary file
    /// and a rename; the weights file's metadata names the save, so a state file never passes
    /// for the description of other weights, and the state records the weights file's SHA-256
    /// (`weightsSHA256`, read back from the written file). Throws `InputError` naming the file that could
    /// not be written (a full disk, permissions).
    public func save(_ transformer: DistributionTransformer, optimizer: AdamState? = nil, to base: String) throws {
        try save(weights: transformer.state, optimizer: optimizer, to: base)
    }

    func save(weights: [String: Tensor], optimizer: AdamState?, to base: String) throws {
        var tensors = weights
        var metadata = ["format": "metasim-distribution-transformer", "checkpoint": saveKey]
        if let optimizer {
            for (i, (m, v)) in zip(optimizer.m, optimizer.v).enumerated() {
                tensors[OptimizerTensors.m(i)] = Tensor(shape: [m.count], data: m)
                tensors[OptimizerTensors.v(i)] = Tensor(shape: [v.count], data: v)
            }
            metadata[OptimizerTensors.stepsKey] = String(optimizer.stepCount)
        }
        try AtomicFile.write(try safetensorsBytes(tensors, metadata: metadata), to: base + ".safetensors")
        var saved = self
        saved.weightsSHA256 = try DatasetChecksums.sha256(ofFile: base + ".safetensors")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(saved), to: base + ".json")
    }

    /// Loads `BASE.json` and `BASE.safetensors` and rebuilds the transformer (see
    /// `TrainingCheckpoint.load`).
    public static func load(from base: String) throws -> (CheckpointState, DistributionTransformer) {
        let checkpoint = try TrainingCheckpoint.load(from: base)
        return (checkpoint.state, try checkpoint.transformer(source: base + ".safetensors"))
    }
}

/// Names of the optimiser's tensors inside a checkpoint's weights file.
enum OptimizerTensors {
    static let prefix = "optimizer."
    static let stepsKey = "optimizer_steps"
    static func m(_ i: Int) -> String { String(format: "optimizer.m.%04d", i) }
    static func v(_ i: Int) -> String { String(format: "optimizer.v.%04d", i) }
}
