import Foundation

/// Finds the data the repository bundles under `data/` (MNIST, EfficientNet-Lite0 weights)
/// wherever MetaSim runs from.
public enum BundledData {
    /// Folders that may hold `data/<name>`, in the order they are tried: the folder named by
    /// the environment variable `environment` (when set and non-empty); `data/<name>` in
    /// `directory` and in every folder above it; in the working folder and above it; beside the
    /// running executable and above it (so `.build/release/metasim` finds the repository's
    /// `data/` from anywhere). Duplicates are dropped.
    public static func candidateFolders(_ name: String, near directory: String? = nil, environment: String? = nil) -> [String] {
        var folders: [String] = []
        if let environment, let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty {
            folders.append(value)
        }
        let cwd = FileManager.default.currentDirectoryPath
        var starts: [String] = []
        if let directory { starts.append(directory.hasPrefix("/") ? directory : (cwd as NSString).appendingPathComponent(directory)) }
        starts.append(cwd)
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path {
            starts.append(executable)
        }
        for start in starts {
            var dir = (start as NSString).standardizingPath
            while true {
                folders.append((dir as NSString).appendingPathComponent("data/\(name)"))
                let parent = (dir as NSString).deletingLastPathComponent
                if parent == dir || parent.isEmpty { break }
                dir = parent
            }
        }
        var seen = Set<String>()
        return folders.filter { seen.insert($0).inserted }
    }

    /// The first existing `FOLDER/file` over `candidateFolders(name, near:environment:)`, or nil.
    public static func locate(_ file: String, in name: String, near directory: String? = nil, environment: String? = nil) -> String? {
        candidateFolders(name, near: directory, environment: environment)
            .map { ($0 as NSString).appendingPathComponent(file) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }
}
