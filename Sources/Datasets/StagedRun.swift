import Diagnostics
import Foundation

/// Finding and checking the staging folder an interrupted `render`/`generate` left beside its
/// destination (`PARENT/.NAME.metasim-partial-PID-N`, with its settings in
/// `….settings.json` beside it), for `DatasetOutputFolder`'s `resume`.
enum StagedRun {
    /// Where the settings of the run staged in `staging` are kept.
    static func settingsPath(of staging: String) -> String {
        staging + ".settings.json"
    }

    /// The most recently modified staging folder in `parent` named `prefix` + `PID-N` whose
    /// process is gone, or nil when there is none.
    static func latest(in parent: String, prefix: String) throws -> String? {
        var best: (path: String, modified: Date)?
        for name in try OutputPaths.entries(of: parent) where name.hasPrefix(prefix) && !name.hasSuffix(".json") {
            let path = parent + "/" + name
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0.isNumber }), pid > 0,
                  !OutputPaths.processExists(pid), OutputPaths.kind(path) == .folder else { continue }
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
            if best == nil || modified > best!.modified { best = (path, modified) }
        }
        return best?.path
    }

    /// Throws an `InputError` naming `destination` unless the run staged in `staging` was
    /// started with `settings` (every key and value equal); the message lists what differs.
    static func check(_ staging: String, against settings: [String: String], destination: String) throws {
        let path = settingsPath(of: staging)
        guard let data = FileManager.default.contents(atPath: path),
              let recorded = try? JSONDecoder().decode([String: String].self, from: data) else {
            throw InputError(file: destination, message: "--resume: the interrupted run in \(staging) has no readable settings (\(path)); "
                             + "run without --resume to start again")
        }
        let differing = Set(recorded.keys).union(settings.keys).sorted().filter { recorded[$0] != settings[$0] }
        guard differing.isEmpty else {
            let list = differing.map { "\($0) was \(recorded[$0] ?? "unset"), now \(settings[$0] ?? "unset")" }
            throw InputError(file: destination, message: "--resume: the interrupted run was started with other settings ("
                             + list.joined(separator: "; ") + "); run again with its settings, or without --resume to start again")
        }
    }
}
