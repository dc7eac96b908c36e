import Codecs
import Diagnostics
import Foundation

/// The folder a dataset is written to, made so that it never holds a partial or mixed dataset.
///
/// The writers write into `staging`, a hidden folder beside the destination
/// (`PARENT/.NAME.metasim-partial-PID-N`); `commit()` renames it to the destination once the
/// dataset, manifest last, is complete. So an interrupted or failed run leaves the destination
/// as it was (absent, empty, or the previous complete dataset), and a staging folder that the
/// next run into the same destination removes (when the process that made it is gone).
///
/// A destination that exists and is not empty is refused unless `overwrite` is set, and then
/// only when it is a MetaSim dataset (holds `metasim-dataset.json`) — so that a mistyped `--out`
/// never deletes unrelated files. The old dataset is moved aside and removed only after the
/// new one is complete.
///
/// Errors are `InputError`s naming the destination (or the part of its path that is wrong).
public final class DatasetOutputFolder {
    /// The folder the finished dataset appears at, as given.
    public let destination: String
    /// Where the writers write until `commit()`.
    public let staging: String
    /// Whether a non-empty destination (a MetaSim dataset) may be replaced.
    public let overwrite: Bool
    private let parent: String
    private let name: String
    /// `destination` without trailing slashes: what the file-system calls use.
    private let target: String
    private var finished = false
    /// Whether `staging` is the folder of an interrupted run, taken over by `init(…resume: true)`.
    public private(set) var resumed = false
    /// The settings the run was started with, kept beside `staging` (`settingsPath`) until
    /// the dataset is in place, so that `--resume` can check it continues the same run.
    public let settings: [String: String]

    /// Checks `destination` (non-empty path, parent folders creatable, not a file, empty or
    /// absent unless `overwrite`), creates missing parent folders, removes staging folders
    /// left by dead runs into the same destination, and creates the staging folder.
    ///
    /// `settings` (what determines the dataset's bytes: grammar, seed, count, format, …) is
    /// written beside the staging folder. With `resume`, the staging folder an interrupted run
    /// into the same destination left (its process gone) is taken over instead of a new one —
    /// `resumed` tells — provided it was started with equal `settings`; otherwise an
    /// `InputError` names the settings that differ. Without such a folder a new one is made.
    /// `resume` with `overwrite` is refused (`InputError`).
    public init(destination: String, overwrite: Bool, settings: [String: String] = [:], resume: Bool = false) throws {
        self.destination = destination
        self.overwrite = overwrite
        self.settings = settings
        guard !(resume && overwrite) else {
            throw InputError(file: destination, message: "--resume and --overwrite cannot be combined: --resume continues the run "
                             + "that was interrupted there, --overwrite replaces a complete dataset")
        }
        guard !destination.isEmpty else {
            throw InputError(file: "--out", message: "the output folder path is empty")
        }
        var trimmed = destination
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let url = URL(fileURLWithPath: trimmed)
        name = url.lastPathComponent
        guard !["", ".", "..", "/"].contains(name), !trimmed.hasSuffix("/.") , !trimmed.hasSuffix("/..") else {
            throw InputError(file: destination, message: "must name a folder to create (not '.', '..' or '/')")
        }
        parent = url.deletingLastPathComponent().path
        target = trimmed
        try OutputPaths.makeFolder(parent, for: destination)
        switch OutputPaths.kind(target) {
        case .missing: break
        case .other:
            throw InputError(file: destination, message: "exists and is not a folder")
        case .folder:
            let entries = try OutputPaths.entries(of: target)
            if !entries.isEmpty {
                if resume && !overwrite && entries.contains(DatasetManifest.fileName) {
                    throw InputError(file: destination, message: "already holds a complete dataset: nothing to resume "
                                     + "(`metasim verify` checks it; --overwrite replaces it)")
                }
                guard overwrite else {
                    throw InputError(file: destination, message: "already holds \(entries.count) file(s) or folder(s); "
                                     + "pass --overwrite to replace the dataset there, or choose a new or empty folder")
                }
                guard entries.contains(DatasetManifest.fileName) else {
                    throw InputError(file: destination, message: "is not a complete MetaSim dataset (no \(DatasetManifest.fileName)); "
                                     + "--overwrite replaces only datasets: remove the folder yourself or choose another")
                }
            }
        }
        let marker = DatasetOutputFolder.stagingPrefix(name)
        staging = parent + "/" + marker + "partial-\(getpid())-\(OutputPaths.serial())"
        let interrupted = resume ? try StagedRun.latest(in: parent, prefix: marker + "partial-") : nil
        if let interrupted { try StagedRun.check(interrupted, against: settings, destination: destination) }
        // Settings first: a staging folder is never without them, whenever the run is killed.
        try AtomicFile.write(try DatasetFiles.json(settings), to: StagedRun.settingsPath(of: staging))
        if let interrupted {
            guard Foundation.rename(interrupted, staging) == 0 else {
                throw InputError(file: destination, message: "cannot take over the interrupted run's folder \(interrupted): " + String(cString: strerror(errno)))
            }
            unlink(StagedRun.settingsPath(of: interrupted))
            resumed = true
        }
        OutputPaths.removeAbandoned(in: parent, prefixes: [marker + "partial-", marker + "old-"])
        guard resumed || mkdir(staging, 0o755) == 0 else {
            throw InputError(file: destination, message: "cannot create a folder in \(parent): " + String(cString: strerror(errno)))
        }
    }

    deinit {
        if !finished { abort() }
    }

    /// `.NAME.metasim-` with NAME cut to 100 bytes' worth of characters (room for the suffix).
    static func stagingPrefix(_ name: String) -> String {
        var short = ""
        for ch in name {
            if short.utf8.count + String(ch).utf8.count > 100 { break }
            short.append(ch)
        }
        return "." + short + ".metasim-"
    }

    /// Runs `body` with the staging folder, commits when it returns, aborts when it throws.
    /// `InputError`s that name a file under the staging folder are rewritten to name it under
    /// the destination.
    public func write<T>(_ body: (String) throws -> T) throws -> T {
        do {
            let result = try body(staging)
            try commit()
            return result
        } catch {
            abort()
            throw translated(error)
        }
    }

    /// Puts the complete dataset at the destination: a rename when it is absent or empty; when
    /// it holds a dataset (`overwrite`), the old one is renamed aside, the new one renamed into
    /// place and the old one removed.
    public func commit() throws {
        guard !finished else { throw InputError(file: destination, message: "output already committed or aborted") }
        switch OutputPaths.kind(target) {
        case .missing:
            try rename(staging, to: target)
        case .other:
            throw InputError(file: destination, message: "exists and is not a folder (created while the dataset was written)")
        case .folder:
            let entries = try OutputPaths.entries(of: target)
            if entries.isEmpty {
                if rmdir(target) == 0 {
                    try rename(staging, to: target)
                } else {
                    try moveEntries()      // a mount point, or a folder we may not remove
                }
            } else {
                guard overwrite else {
                    throw InputError(file: destination, message: "files appeared there while the dataset was written; nothing replaced")
                }
                let aside = parent + "/" + DatasetOutputFolder.stagingPrefix(name) + "old-\(getpid())-\(OutputPaths.serial())"
                try rename(target, to: aside)
                do {
                    try rename(staging, to: target)
                } catch {
                    _ = Foundation.rename(aside, target)
                    throw error
                }
                try? FileManager.default.removeItem(atPath: aside)
            }
        }
        finished = true
        unlink(StagedRun.settingsPath(of: staging))
    }

    /// Removes the staging folder and what was written there — except a `resumed` one, which
    /// is left (with its settings) for another `--resume`. Idempotent.
    public func abort() {
        guard !finished else { return }
        finished = true
        guard !resumed else { return }
        try? FileManager.default.removeItem(atPath: staging)
        unlink(StagedRun.settingsPath(of: staging))
    }

    private func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else {
            throw InputError(file: destination, message: "cannot move \(from) to \(to): " + String(cString: strerror(errno)))
        }
    }

    /// Into an empty destination that cannot be replaced: entries one by one, the manifest last.
    private func moveEntries() throws {
        let entries = try OutputPaths.entries(of: staging).filter { $0 != DatasetManifest.fileName }
        for entry in entries + [DatasetManifest.fileName]
        where OutputPaths.kind(staging + "/" + entry) != .missing {
            try rename(staging + "/" + entry, to: target + "/" + entry)
        }
        rmdir(staging)
    }

    /// Whether `path` lies inside the destination (after resolving `.`, `..` and links of
    /// existing folders), where nothing but the dataset may go.
    public func contains(_ path: String) -> Bool {
        let inside = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let folder = URL(fileURLWithPath: parent).standardizedFileURL.resolvingSymlinksInPath().path + "/" + name
        return inside == folder || inside.hasPrefix(folder + "/")
    }

    /// `error` with the staging folder replaced by the destination in an `InputError`'s file.
    public func translated(_ error: Error) -> Error {
        guard var input = error as? InputError, input.file.hasPrefix(staging) else { return error }
        input.file = target + input.file.dropFirst(staging.count)
        return input
    }
}
