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

    /// A 32x32 grey scene of one white 8-px square whose `loc_x` is `locX` (a distribution in
    /// the grammar format, e.g. `constant: 8` or `uniform: [8, 24]`; mutable, range [0, 32])
    /// at y = 16: the toy prior and target of the training and generation tests.
    static func squareGrammar(locX: String) -> String {
        """
        canvas: {width: 32, height: 32, channels: 1}
        root: Canvas
        rules:
          Canvas: {class: Image, children: [Background, Square]}
          Background: {attributes: {texture: 0}}
          Square:
            attributes:
              shape: rectangle
              texture: 1
              size: {constant: 8, range: [0, 32]}
              loc_x: {\(locX), range: [0, 32], mutable: true}
              loc_y: {constant: 16, range: [0, 32]}
        """
    }
}
