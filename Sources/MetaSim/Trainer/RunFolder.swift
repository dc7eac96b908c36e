import Diagnostics
import Foundation

/// The files of one training run:
/// `transformer.{safetensors,json}` (latest), `checkpoints/epoch-NNN.{safetensors,json}`,
/// `metrics.jsonl`, `grids/*.png`, `results.json`. The latest state's `complete` field, written
/// last, says whether the run finished.
public struct RunFolder: Sendable {
    /// The folder.
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

    /// Path of `name` inside the folder (`name` may contain `/`).
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    /// Base path (no extension) of the latest checkpoint, `transformer`.
    public var latest: String { file("transformer") }
    /// Base path (no extension) of `epoch`'s checkpoint, `checkpoints/epoch-NNN` (at least 3 digits).
    public func checkpoint(epoch: Int) -> String { file(String(format: "checkpoints/epoch-%03d", epoch)) }
    /// Path of the sample grid `grids/NAME.png`.
    public func grid(_ name: String) -> String { file("grids/\(name).png") }

    /// Whether nothing is at `path`, or an empty folder. Throws `InputError` when `path` is a
    /// file.
    public func isMissingOrEmpty() throws -> Bool {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return true }
        guard isFolder.boolValue else { throw InputError(file: path, message: "is a file, not a run folder") }
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).isEmpty
    }

    /// Whether the run finished: its latest state says `complete`, or (runs written before that
    /// field) it has `results.json`.
    public var isComplete: Bool {
        guard let data = FileManager.default.contents(atPath: latest + ".json"),
              let state = try? JSONDecoder().decode(CheckpointState.self, from: data) else { return false }
        if let complete = state.complete { return complete }
        return FileManager.default.fileExists(atPath: file("results.json"))
    }

    /// Base paths (without extension) of every checkpoint the folder holds: the latest and the
    /// per-epoch ones.
    public var checkpointBases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: file("checkpoints"))) ?? []
        let epochs = names.filter { $0.hasPrefix("epoch-") && $0.hasSuffix(".json") }.sorted()
            .map { file("checkpoints/" + $0.dropLast(5)) }
        return [latest] + epochs
    }

    /// The furthest checkpoint that loads completely (state and weights from the same save,
    /// finite weights), or nil when none does; what a resumed run continues from. Unreadable
    /// checkpoints (a write cut off by a kill) are passed over.
    public func newestCheckpoint() -> TrainingCheckpoint? {
        var best: TrainingCheckpoint?
        for base in checkpointBases {
            guard let c = try? TrainingCheckpoint.load(from: base) else { continue }
            if best.map({ $0.state.progress.lexicographicallyPrecedes(c.state.progress) }) ?? true { best = c }
        }
        return best
    }
}

extension CheckpointState {
    /// Orders checkpoints of one run by how far training went.
    var progress: [Int] {
        let rank = ["reconstruction": 0, "reconstruction_shifted": 1, "matching": 2][stage] ?? -1
        return [metricsRecords ?? 0, rank, epoch, step, complete == true ? 1 : 0]
    }
}

