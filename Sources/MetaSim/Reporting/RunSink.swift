import Codecs
import Foundation
import NN
import Tensor

/// Where a training run puts what it produces: checkpoints, one metrics record per step, sample
/// grids and the final results. `FolderSink` writes a run folder (what `metasim train` leaves);
/// `MemorySink` keeps everything in memory for tests and library use.
public protocol RunSink: AnyObject {
    /// Saves `checkpoint` as the latest, and also as the checkpoint of `epoch` when given.
    func saveCheckpoint(_ checkpoint: TrainingCheckpoint, epoch: Int?) throws
    /// One metrics record (JSON-serialisable values: numbers, strings, arrays, dictionaries).
    /// Throws when it cannot be stored (a full disk).
    func record(_ metrics: [String: Any]) throws
    /// A contact sheet of `images` (at most 64, all of one size) named `name` (`target`,
    /// `epoch-001`, `prior`, `learned`).
    func writeGrid(name: String, images: [Image]) throws
    /// The run's final results.
    func writeResults(_ results: RunResults) throws
    /// The experiment's settings as `[section: description]` (see `Experiment.settingsSummary`),
    /// handed over once when a run starts, for reports. Default: ignored.
    func writeSettings(_ settings: [String: String]) throws
}

extension RunSink {
    public func writeSettings(_ settings: [String: String]) throws {}

    /// Saves `transformer`'s weights with `state` (no optimiser state).
    public func saveCheckpoint(_ state: CheckpointState, transformer: DistributionTransformer, epoch: Int?) throws {
        try saveCheckpoint(TrainingCheckpoint(state: state, weights: transformer.state), epoch: epoch)
    }
}

/// A run folder (see `RunFolder`): `transformer.{safetensors,json}`, `checkpoints/epoch-NNN.*`,
/// `metrics.jsonl`, `grids/NAME.png`, `results.json`, `settings.json`, and TensorBoard events
/// in `tensorboard/` (`TensorBoardLog`: scalars, grids, attribute histograms; a resumed run
/// adds a new event file).
public final class FolderSink: RunSink {
    /// The run folder written to.
    public let folder: RunFolder
    private let metrics: MetricsLog
    /// The TensorBoard event file this sink appends to.
    public let tensorBoard: TensorBoardLog

    /// Creates the folder and an empty `metrics.jsonl`. Throws `InputError` when either cannot
    /// be created.
    public init(creating path: String) throws {
        folder = try RunFolder(creating: path)
        metrics = try MetricsLog(path: folder.file("metrics.jsonl"))
        tensorBoard = try TensorBoardLog(directory: folder.file("tensorboard"))
    }

    /// Continues the run in `folder` from a checkpoint that recorded `records` metrics lines:
    /// `metrics.jsonl` is cut back to them. Throws `InputError` when it holds fewer.
    public init(continuing folder: RunFolder, records: Int) throws {
        self.folder = try RunFolder(creating: folder.path)
        metrics = try MetricsLog(path: folder.file("metrics.jsonl"), keepingLines: records)
        tensorBoard = try TensorBoardLog(directory: folder.file("tensorboard"))
    }

    /// Writes `checkpoints/epoch-NNN.*` when `epoch` is given, then the latest checkpoint
    /// (`transformer.*`). Throws when a file cannot be written.
    public func saveCheckpoint(_ checkpoint: TrainingCheckpoint, epoch: Int?) throws {
        let state = checkpoint.state
        if let epoch { try state.save(weights: checkpoint.weights, optimizer: checkpoint.optimizer, to: folder.checkpoint(epoch: epoch)) }
        try state.save(weights: checkpoint.weights, optimizer: checkpoint.optimizer, to: folder.latest)
    }

    /// Appends one line to `metrics.jsonl`.
    public func record(_ metrics: [String: Any]) throws {
        try self.metrics.append(metrics)
        try tensorBoard.record(metrics)
    }

    /// Writes the images as one PNG contact sheet `grids/NAME.png`.
    public func writeGrid(name: String, images: [Image]) throws {
        try ContactSheet.write(images, to: folder.grid(name))
        try tensorBoard.grid(name: name, images: images)
    }

    public func writeSettings(_ settings: [String: String]) throws {
        let data = try JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: folder.file("settings.json"))
    }

    /// Writes `results.json` (pretty-printed, sorted keys) through a temporary file.
    public func writeResults(_ results: RunResults) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(results), to: folder.file("results.json"))
    }
}

/// Keeps what a run produces in memory, in order.
public final class MemorySink: RunSink {
    /// One saved checkpoint: its state, the epoch (nil: latest only), a copy of the weights
    /// and the optimiser's state (matching checkpoints).
    public struct Checkpoint {
        /// Training progress at the time of saving.
        public var state: CheckpointState
        /// The epoch it was saved for; nil when saved only as the latest.
        public var epoch: Int?
        /// The transformer's parameters by name.
        public var weights: [String: Tensor]
        /// Adam's step count and moment estimates, when saved (matching checkpoints); nil otherwise.
        public var optimizer: AdamState?
        /// As a `TrainingCheckpoint`, to resume from.
        public var training: TrainingCheckpoint { TrainingCheckpoint(state: state, weights: weights, optimizer: optimizer) }
    }

    /// Every checkpoint saved, in order.
    public private(set) var checkpoints: [Checkpoint] = []
    /// Every metrics record, in order.
    public private(set) var metrics: [[String: Any]] = []
    /// Grids by name (a later grid of the same name replaces the earlier one).
    public private(set) var grids: [String: [Image]] = [:]
    /// The final results; nil until written.
    public private(set) var results: RunResults?
    public private(set) var settings: [String: String]?

    /// An empty sink.
    public init() {}

    /// Appends a copy of the checkpoint; never throws.
    public func saveCheckpoint(_ checkpoint: TrainingCheckpoint, epoch: Int?) throws {
        checkpoints.append(Checkpoint(state: checkpoint.state, epoch: epoch, weights: checkpoint.weights, optimizer: checkpoint.optimizer))
    }

    /// Drops every metrics record after the first `count` (what resuming from a checkpoint that
    /// recorded `count` does to a run folder's `metrics.jsonl`).
    public func truncateMetrics(to count: Int) {
        metrics = Array(metrics.prefix(count))
    }

    /// Appends the record.
    public func record(_ metrics: [String: Any]) {
        self.metrics.append(metrics)
    }

    /// Keeps the images under `name`, replacing an earlier grid of that name.
    public func writeGrid(name: String, images: [Image]) throws {
        grids[name] = images
    }

    /// Keeps the results, replacing earlier ones.
    public func writeResults(_ results: RunResults) throws {
        self.results = results
    }

    public func writeSettings(_ settings: [String: String]) throws {
        self.settings = settings
    }
}
