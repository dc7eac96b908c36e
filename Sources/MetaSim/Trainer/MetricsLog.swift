import Diagnostics
import Foundation

/// Appends one JSON object per line to `metrics.jsonl`, flushed after each line so a
/// watcher (or a crash) sees every finished step.
public final class MetricsLog {
    /// The metrics file.
    public let path: String
    private let handle: FileHandle
    /// Lines in the file.
    public private(set) var count: Int

    /// A new, empty metrics file at `path` (replacing any). Throws `InputError` when it cannot
    /// be created.
    public convenience init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw InputError(file: path, message: "cannot create the metrics file")
        }
        try self.init(path: path, keepingLines: 0)
    }

    /// The existing metrics file at `path`, cut back to its first `lines` lines (what a
    /// checkpoint recorded, so a resumed run does not repeat records), appending after them.
    /// Throws `InputError` when the file cannot be opened or holds fewer lines.
    public init(path: String, keepingLines lines: Int) throws {
        self.path = path
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw InputError(file: path, message: "cannot open the metrics file for writing")
        }
        var end = 0, seen = 0
        if lines > 0 {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw InputError(file: path, message: "cannot read the metrics file")
            }
            for (i, byte) in data.enumerated() where byte == UInt8(ascii: "\n") {
                seen += 1
                if seen == lines { end = i + 1; break }
            }
        }
        guard seen == lines else {
            throw InputError(file: path, message: "holds \(seen) complete records, but the checkpoint resumed from wrote \(lines)")
        }
        do {
            if try handle.seekToEnd() > UInt64(end) {
                try handle.truncate(atOffset: UInt64(end))
                try handle.seekToEnd()
            }
        } catch {
            throw InputError(file: path, message: "cannot cut the metrics file back to \(lines) records: \(error.localizedDescription)")
        }
        self.handle = handle
        count = lines
    }

    deinit { try? handle.close() }

    /// Appends `record` as one line. Throws `InputError` naming the file when it cannot be
    /// written (a full disk); a record that is not JSON-serialisable throws too.
    public func append(_ record: [String: Any]) throws {
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        } catch {
            throw InputError(file: path, message: "metrics record is not JSON: \(error.localizedDescription)")
        }
        do {
            try handle.write(contentsOf: data + Data("\n".utf8))
        } catch {
            throw InputError(file: path, message: "cannot write: \(error.localizedDescription)")
        }
        count += 1
    }
}
