import Diagnostics
import Foundation

/// How `metasim train` treats the run folder it is given.
public enum RunFolderMode: Sendable {
    /// The folder must be missing or empty.
    case new
    /// A non-empty folder is moved aside (to `RUN.replaced-PID`) once every input has been
    /// checked, and deleted when the new run completes; a run that fails or is killed leaves
    /// it there.
    case overwrite
    /// Continue the run in the folder from its newest complete checkpoint (see
    /// `RunFolder.newestCheckpoint`); with no checkpoint yet (stopped in stage 1), start it
    /// again in place.
    case resume
}

/// The run folder of one `train` invocation: checked before any long work
/// (`init(path:mode:)`), then opened for writing (`makeSink()`) and tidied when the run
/// completes (`finish()`). A run folder is never left mixing two runs.
public struct RunFolderStart {
    /// The run folder.
    public let folder: RunFolder
    /// How the folder is treated.
    public let mode: RunFolderMode
    /// The checkpoint a resumed run continues from; nil to start from scratch.
    public let checkpoint: TrainingCheckpoint?
    /// Where the replaced run was moved, once `makeSink()` moved it.
    public private(set) var aside: String?
    let occupied: Bool

    /// Checks `path` for `mode`, changing nothing. Throws `InputError` naming the folder when
    /// it is a file; when it is not empty and `mode` is `.new`; when overwriting a folder that
    /// is not a run (no `metrics.jsonl` or `transformer.json`); when resuming a folder that
    /// holds no run, or a run that already completed.
    public init(path: String, mode: RunFolderMode) throws {
        folder = RunFolder(existing: path)
        self.mode = mode
        occupied = !(try folder.isMissingOrEmpty())
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let isRun = entries.contains("metrics.jsonl") || entries.contains("transformer.json")
        switch mode {
        case .new:
            if occupied {
                throw InputError(file: path, message: "already holds \(entries.count) file(s) or folder(s)\(isRun ? (folder.isComplete ? ", a completed run" : ", a run that did not complete") : ""); pass --resume to continue the run there, --overwrite to replace it (the old run is kept aside until the new one completes), or choose a new or empty folder")
            }
            checkpoint = nil
        case .overwrite:
            if occupied && !isRun {
                throw InputError(file: path, message: "is not a MetaSim run folder (no metrics.jsonl or transformer.json); --overwrite replaces only runs: remove the folder yourself or choose another")
            }
            checkpoint = nil
        case .resume:
            guard occupied, FileManager.default.fileExists(atPath: folder.file("metrics.jsonl")) else {
                throw InputError(file: path, message: "no run to resume here (no metrics.jsonl); start one without --resume")
            }
            if folder.isComplete {
                throw InputError(file: path, message: "this run already completed: there is nothing to resume (use --overwrite to train it again)")
            }
            checkpoint = folder.newestCheckpoint()
        }
    }

    /// Opens the folder for writing: moves a replaced run aside, cuts `metrics.jsonl` back to
    /// the resumed checkpoint's records (all of them when there is none). Throws `InputError`
    /// when a file cannot be moved, created or cut.
    public mutating func makeSink() throws -> FolderSink {
        if mode == .overwrite, occupied {
            let target = folder.path + ".replaced-\(getpid())"
            guard rename(folder.path, target) == 0 else {
                throw InputError(file: folder.path, message: "cannot move the old run aside to \(target): " + String(cString: strerror(errno)))
            }
            aside = target
        }
        if mode == .resume { return try FolderSink(continuing: folder, records: checkpoint?.state.metricsRecords ?? 0) }
        return try FolderSink(creating: folder.path)
    }

    /// After the run completed: deletes the replaced run moved aside, if any.
    public func finish() throws {
        guard let aside else { return }
        do {
            try FileManager.default.removeItem(atPath: aside)
        } catch {
            throw InputError(file: aside, message: "the new run completed, but the old one moved here could not be removed: \(error.localizedDescription)")
        }
    }
}
