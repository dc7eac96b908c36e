import Foundation
import XCTest

/// Runs the built `metasim` binary (from the repository root) for the tests of this target.
enum CLIRunner {
    static var binary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("metasim")
    }

    /// Variables that make `render`/`generate` write one shard: never inherited (a test suite run
    /// inside a Slurm array task or a Kubernetes Indexed Job would otherwise shard every render).
    static let shardVariables = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
                                 "SLURM_ARRAY_TASK_MAX", "JOB_COMPLETION_INDEX"]

    /// Runs `metasim arguments` with this process's environment (less `shardVariables`) plus
    /// `environment`; standard output goes to `stdout` when given (a file), else is captured.
    /// Returns the exit status and both outputs.
    @discardableResult
    static func run(_ arguments: [String], stdout: FileHandle? = nil,
                    environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for name in shardVariables { variables[name] = nil }
        variables.merge(environment) { $1 }
        process.environment = variables
        process.currentDirectoryURL = URL(fileURLWithPath: CLITests.root)
        let out = Pipe(), err = Pipe()
        process.standardOutput = stdout ?? out
        process.standardError = err
        try process.run()
        let o = stdout == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
