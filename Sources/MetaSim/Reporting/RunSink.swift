import Codecs
import Foundation
import Tensor

/// Where a training run puts what it produces: checkpoints, one metrics record per step, sample
/// grids and the final results. `FolderSink` writes a run folder (what `metasim train` leaves);
/// `MemorySink` keeps everything in memory for tests and library use.
public protocol RunSink: AnyObject {
    /// Saves `transformer` with its `state`: as the latest weights, and also as the checkpoint
    /// of `epoch` when given.
    func saveCheckpoint(_ state: CheckpointState, transformer: DistributionTransformer, epoch: Int?) throws
    /// One metrics record (JSON-serialisable values: numbers, strings, arrays, dictionaries).
    func record(_ metrics: [String: Any])
    /// A contact sheet of `images` (at most 64, all of one size) named `name` (`target`,
    /// `epoch-001`, `prior`, `learned`).
    func writeGrid(name: String, images: [Image]) throws
    /// The run's final results.
    func writeResults(_ results: RunResults) throws
}

/// A run folder (see `RunFolder`): `transformer.{safetensors,json}`, `checkpoints/epoch-NNN.*`,
/// `metrics.jsonl`, `grids/NAME.png`, `results.json`.
public final class FolderSink: RunSink {
    public let folder: RunFolder
    private let metrics: MetricsLog

    /// Creates the folder and an empty `metrics.jsonl`. Throws `InputError` when either cannot
    /// be created.
    public init(creating path: String) throws {
        folder = try RunFolder(creating: path)
        metrics = try MetricsLog(path: folder.file("metrics.jsonl"))
    }

    public func saveCheckpoint(_ state: CheckpointState, transformer: DistributionTransformer, epoch: Int?) throws {
        if let epoch { try state.save(transformer, to: folder.checkpoint(epoch: epoch)) }
        try state.save(transformer, to: folder.latest)
    }

    public func record(_ metrics: [String: Any]) {
        self.metrics.append(metrics)
    }

    public func writeGrid(name: String, images: [Image]) throws {
        try ContactSheet.write(images, to: folder.grid(name))
    }

    public func writeResults(_ results: RunResults) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(results), to: folder.file("results.json"))
    }
}

/// Keeps what a run produces in memory, in order.
public final class MemorySink: RunSink {
    /// One saved checkpoint: its state, the epoch (nil: latest only) and a copy of the weights.
    public struct Checkpoint {
        public var state: CheckpointState
        public var epoch: Int?
        public var weights: [String: Tensor]
    }

    public private(set) var checkpoints: [Checkpoint] = []
    public private(set) var metrics: [[String: Any]] = []
    /// Grids by name (a later grid of the same name replaces the earlier one).
    public private(set) var grids: [String: [Image]] = [:]
    public private(set) var results: RunResults?

    public init() {}

    public func saveCheckpoint(_ state: CheckpointState, transformer: DistributionTransformer, epoch: Int?) throws {
        checkpoints.append(Checkpoint(state: state, epoch: epoch, weights: transformer.state))
    }

    public func record(_ metrics: [String: Any]) {
        self.metrics.append(metrics)
    }

    public func writeGrid(name: String, images: [Image]) throws {
        grids[name] = images
    }

    public func writeResults(_ results: RunResults) throws {
        self.results = results
    }
}
