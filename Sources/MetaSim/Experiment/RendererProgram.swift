import Codecs
import Foundation
import Render
import Scene

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

extension ExternalRendererSettings {
    /// The bridge renderer these settings describe on `canvas` with `classes`: one
    /// `ProcessRenderer`, or a `ProcessRendererPool` of `workers` of them (each with its own
    /// fresh temporary folder for the suggested output paths); PNG replies are read with
    /// `ImageFile.read`, gradients are central differences with step `step`. Nothing starts
    /// until the first render. Throws `RenderError.mismatch` for a bad canvas or settings.
    public func makeRenderer(canvas: Canvas, classes: [String]) throws -> any Renderer {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("metasim-bridge-\(UUID().uuidString)")
        let finiteDifference = FiniteDifferenceVJP(step: step)
        func worker(_ folder: URL) throws -> ProcessRenderer {
            try ProcessRenderer(command: command, canvas: canvas, classes: classes, timeout: timeout, outputDirectory: folder,
                                finiteDifference: finiteDifference, loadImage: { try ImageFile.read($0) })
        }
        if workers <= 1 { return try worker(run) }
        return try ProcessRendererPool(workers: (1...workers).map { try worker(run.appendingPathComponent("worker-\($0)")) })
    }
}
