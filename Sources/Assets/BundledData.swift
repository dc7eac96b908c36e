import Foundation

/// Finds what the repository bundles (`data/`, `experiments/`) wherever MetaSim runs from.
public enum BundledData {
    /// Folders searched, in order: `directory` (when given) and every folder above it; the
    /// working folder and above; the running executable's folder and above (so
    /// `.build/release/metasim` finds the repository from anywhere). Duplicates dropped.
    public static func searchFolders(near directory: String? = nil) -> [String] {
        let cwd = FileManager.default.currentDirectoryPath
        var starts: [String] = []
        if let directory { starts.append(directory.hasPrefix("/") ? directory : (cwd as NSString).appendingPathComponent(directory)) }
        starts.append(cwd)
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path {
            starts.append(executable)
        }
        var folders: [String] = []
        for start in starts {
            var dir = (start as NSString).standardizingPath
            while true {
                folders.append(dir)
                let parent = (dir as NSString).deletingLastPathComponent
                if parent == dir || parent.isEmpty { break }
                dir = parent
            }
        }
        var seen = Set<String>()
        return folders.filter { seen.insert($0).inserted }
    }

    /// Folders that may hold `data/<name>`: the folder named by the environment variable
    /// `environment` (when set and non-empty), then `data/<name>` in each of `searchFolders`.
    public static func candidateFolders(_ name: String, near directory: String? = nil, environment: String? = nil) -> [String] {
        var folders: [String] = []
        if let environment, let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty {
            folders.append(value)
        }
        return folders + searchFolders(near: directory).map { ($0 as NSString).appendingPathComponent("data/\(name)") }
    }

    /// The first existing `FOLDER/file` over `candidateFolders(name, near:environment:)`, or nil.
    public static func locate(_ file: String, in name: String, near directory: String? = nil, environment: String? = nil) -> String? {
        candidateFolders(name, near: directory, environment: environment)
            .map { ($0 as NSString).appendingPathComponent(file) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The first existing `FOLDER/relativePath` over `searchFolders()` (for example
    /// `experiments/mnist-rotation.yaml`), or nil.
    public static func repositoryFile(_ relativePath: String) -> String? {
        searchFolders().map { ($0 as NSString).appendingPathComponent(relativePath) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }
}
