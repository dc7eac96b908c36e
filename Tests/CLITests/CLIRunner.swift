import Foundation
import XCTest

/// Runs the built `metasim` binary (from the repository root) for the tests of this target.
enum CLIRunner {
    static var binary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("metasim")
    }

    /// Runs `metasim arguments`; standard output goes to `stdout` when given (a file), else is
    /// captured. Returns the exit status and both outputs.
    @discardableResult
    static func run(_ arguments: [String], stdout: FileHandle? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
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
