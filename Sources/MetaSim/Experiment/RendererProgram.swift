import Foundation

extension ExternalRendererSettings {
    /// Why `command`'s program cannot be started, or nil when it can: the program (its first
    /// element) must be an executable file — at that path when it contains a `/` (relative to
    /// the working folder, as the bridge starts it), else found on `PATH` (from `environment`).
    /// Checked before any long work so that a missing renderer is not found after stage 1.
    public static func programProblem(_ command: [String],
                                      environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let program = command.first, !program.isEmpty else { return "the program name is empty" }
        let files = FileManager.default
        func executable(_ path: String) -> Bool {
            var isFolder: ObjCBool = false
            return files.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue && files.isExecutableFile(atPath: path)
        }
        if program.contains("/") {
            var isFolder: ObjCBool = false
            if !files.fileExists(atPath: program, isDirectory: &isFolder) { return "renderer program not found: \(program)" }
            if isFolder.boolValue { return "renderer program is a folder: \(program)" }
            return executable(program) ? nil : "renderer program is not executable: \(program)"
        }
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        if folders.contains(where: { executable(($0.isEmpty ? "." : $0) + "/" + program) }) { return nil }
        return "renderer program '\(program)' not found on PATH"
    }
}
