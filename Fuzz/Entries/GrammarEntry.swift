import Foundation
import Grammar

extension FuzzEntries {
    /// A grammar file's bytes (YAML or JSON, MetaSim's format or the original Meta-Sim one), read
    /// as `Grammar.load` does: UTF-8 text, then `Grammar.parse`. Relative paths resolve against a
    /// folder that does not exist, so no input reaches the filesystem beyond existence checks.
    @discardableResult
    public static func grammar(_ data: Data) -> Bool {
        guard let text = String(data: data, encoding: .utf8) else { return false }
        return accepted {
            let grammar = try Grammar.parse(text: text, file: "<fuzz>", directory: "/nonexistent-metasim-fuzz")
            _ = grammar.summary
        }
    }
}
