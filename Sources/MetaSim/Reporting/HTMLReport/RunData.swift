import Diagnostics
import Foundation

/// What a run folder holds, read for `RunReport`: metrics records, results and settings as
/// JSON values, grids as PNG bytes in display order (target, prior, epoch-001…, learned).
struct RunData {
    var folder: String
    var name: String
    var complete: Bool
    var metrics: [[String: Any]]
    var results: [String: Any]?
    var settings: [String: String]?
    var grids: [(name: String, png: Data)]

    /// Throws `InputError` when `folder` has no `metrics.jsonl`.
    init(folder: String) throws {
        let run = RunFolder(existing: folder)
        self.folder = folder
        guard let text = FileManager.default.contents(atPath: run.file("metrics.jsonl")) else {
            throw InputError(file: folder, message: "not a MetaSim run folder: no metrics.jsonl")
        }
        metrics = text.split(separator: UInt8(ascii: "\n")).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
        func json(_ name: String) -> Any? {
            FileManager.default.contents(atPath: run.file(name)).flatMap { try? JSONSerialization.jsonObject(with: $0) }
        }
        results = json("results.json") as? [String: Any]
        settings = json("settings.json") as? [String: String]
        name = (results?["experiment"] as? String) ?? settings?["name"] ?? (folder as NSString).lastPathComponent
        complete = run.isComplete
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: run.file("grids"))) ?? [])
            .filter { $0.hasSuffix(".png") }.map { String($0.dropLast(4)) }
        func order(_ n: String) -> (Int, String) {
            switch n { case "target": (0, n); case "prior": (1, n); case "learned": (3, n); default: (2, n) }
        }
        grids = files.sorted { order($0) < order($1) }.compactMap { n in
            FileManager.default.contents(atPath: run.grid(n)).map { (n, $0) }
        }
    }

    func records(stage: String) -> [[String: Any]] {
        metrics.filter { $0["stage"] as? String == stage }
    }
}
