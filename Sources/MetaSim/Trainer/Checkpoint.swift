import Codecs
import Diagnostics
import Foundation
import NN
import Scene
import Tensor

/// What a run saves so a generator can be used again: the transformer's weights
/// (`NAME.safetensors`) and a JSON state (`NAME.json`) saying which grammar and schema the
/// weights belong to, the network's shape, and how far training went.
public struct CheckpointState: Codable, Equatable, Sendable {
    public var grammar: String
    public var schema: EncodingSchema
    public var hidden: [Int]
    public var seed: UInt64
    public var stage: String
    public var epoch: Int
    public var step: Int
    /// The next generator sample index training would have used.
    public var sampleCursor: Int

    /// Writes weights then state (both through temporary files), so a state file never
    /// describes weights that are not there.
    public func save(_ transformer: DistributionTransformer, to base: String) throws {
        try writeSafetensors(transformer.state, metadata: ["format": "metasim-distribution-transformer"], to: base + ".safetensors")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: base + ".json")
    }

    /// Loads `BASE.json` and `BASE.safetensors` and rebuilds the transformer. Throws
    /// `InputError` naming the file for a missing or malformed state, or weights that do not
    /// fit the state's network.
    public static func load(from base: String) throws -> (CheckpointState, DistributionTransformer) {
        let statePath = base + ".json"
        guard let data = FileManager.default.contents(atPath: statePath) else {
            throw InputError(file: statePath, message: "no checkpoint state here (is this a `metasim train` run folder?)")
        }
        let state: CheckpointState
        do {
            state = try JSONDecoder().decode(CheckpointState.self, from: data)
        } catch {
            throw InputError(file: statePath, message: "malformed checkpoint state: \(error)")
        }
        let transformer = DistributionTransformer(width: state.schema.width, classCount: state.schema.classes.count,
                                                  hidden: state.hidden, seed: 0)
        let weights = try SafetensorsFile(path: base + ".safetensors").allTensors()
        try transformer.load(weights, source: base + ".safetensors")
        return (state, transformer)
    }
}

/// The files of one training run:
/// `transformer.{safetensors,json}` (latest), `checkpoints/epoch-NNN.{safetensors,json}`,
/// `metrics.jsonl`, `grids/*.png`, `results.json`.
public struct RunFolder: Sendable {
    public let path: String

    /// Creates the folder (and `checkpoints/`, `grids/`) when missing.
    public init(creating path: String) throws {
        self.path = path
        for sub in ["", "checkpoints", "grids"] {
            let folder = (path as NSString).appendingPathComponent(sub)
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw InputError(file: folder, message: "cannot create the run folder: \(error.localizedDescription)")
            }
        }
    }

    /// An existing run folder (not created).
    public init(existing path: String) {
        self.path = path
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    public var latest: String { file("transformer") }
    public func checkpoint(epoch: Int) -> String { file(String(format: "checkpoints/epoch-%03d", epoch)) }
    public func grid(_ name: String) -> String { file("grids/\(name).png") }
}

/// Appends one JSON object per line to `metrics.jsonl`, flushed after each line so a
/// watcher (or a crash) sees every finished step.
public final class MetricsLog {
    private let handle: FileHandle

    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw InputError(file: path, message: "cannot write the metrics file")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    public func append(_ record: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        handle.write(data + Data("\n".utf8))
    }
}
