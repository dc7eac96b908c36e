import Foundation
@testable import Grammar
import TestSupport

/// Paths of the package and of this test target's fixtures (read from the source tree, so
/// relative asset paths like `data/mnist` resolve against the package root).
enum Fixtures {
    static let packageRoot = Repository.root

    static func path(_ relative: String) -> String {
        (packageRoot as NSString).appendingPathComponent(relative)
    }

    /// Parses fixture `name` (under Tests/GrammarTests/Fixtures) with the package root as
    /// the folder relative paths resolve against.
    static func grammar(_ name: String) throws -> Grammar {
        let file = path("Tests/GrammarTests/Fixtures/\(name)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        return try Grammar.parse(text: text, file: name, directory: packageRoot)
    }

    /// An example grammar from examples/grammars.
    static func example(_ name: String) throws -> Grammar {
        try Grammar.load(path: path("examples/grammars/\(name)"))
    }
}
