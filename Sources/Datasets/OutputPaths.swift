import Diagnostics
import Foundation

/// File-system helpers for output locations: what a path is, creating parent folders with
/// clear errors, and removing what dead runs left behind.
enum OutputPaths {
    enum Kind { case missing, folder, other }

    /// What is at `path` (symbolic links followed).
    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return info.st_mode & S_IFMT == S_IFDIR ? .folder : .other
    }

    /// The names in folder `path`.
    static func entries(of path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw InputError(file: path, message: "cannot list folder: " + String(cString: strerror(errno)))
        }
    }

    /// Creates folder `path` and missing parents. Errors name `output` (what the user gave)
    /// and the first component that is not a folder or cannot be made.
    static func makeFolder(_ path: String, for output: String) throws {
        var missing: [String] = []
        var current = path
        while true {
            switch kind(current) {
            case .folder:
                for folder in missing.reversed() where mkdir(folder, 0o755) != 0 && errno != EEXIST {
                    throw InputError(file: output, message: "cannot create folder \(folder): " + String(cString: strerror(errno)))
                }
                return
            case .other:
                throw InputError(file: output, message: "\(current) is a file, not a folder")
            case .missing:
                missing.append(current)
                let up = URL(fileURLWithPath: current).deletingLastPathComponent().path
                if up == current { throw InputError(file: output, message: "no existing parent folder") }
                current = up
            }
        }
    }

    /// Removes entries of `folder` whose name starts with one of `prefixes` and continues
    /// `PID-…` of a process that no longer exists. Failures are ignored (best effort).
    static func removeAbandoned(in folder: String, prefixes: [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names {
            guard let prefix = prefixes.first(where: { name.hasPrefix($0) }) else { continue }
            let rest = name.dropFirst(prefix.count)
            guard let pid = Int32(rest.prefix { $0.isNumber }), pid > 0, !processExists(pid) else { continue }
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    private static let serialLock = NSLock()
    nonisolated(unsafe) private static var counter = 0
    static func serial() -> Int {
        serialLock.lock()
        defer { serialLock.unlock() }
        counter += 1
        return counter
    }
}
