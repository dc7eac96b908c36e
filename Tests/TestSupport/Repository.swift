import Foundation

/// The repository checkout the tests run from: tests read the bundled example grammars,
/// experiments, data and scripts from the source tree (not from resources copied into the
/// build), so that they see exactly what a user of the checkout sees.
public enum Repository {
    /// Absolute path of the repository root (the folder holding Package.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)  // Tests/TestSupport/Repository.swift
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `relative` (e.g. "examples/grammars/mnist.yaml") resolved against the root.
    public static func path(_ relative: String) -> String {
        URL(fileURLWithPath: root).appendingPathComponent(relative).path
    }
}
