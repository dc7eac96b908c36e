import Diagnostics
import Foundation
import Grammar
import Yams

/// Reads one mapping of a YAML or JSON settings file key by key, on top of
/// `DocumentDiagnostics` (the grammar reader's typed accessors): every problem (wrong type,
/// out-of-range value, unknown key) is collected with the field's path and line instead of
/// stopping at the first one.
///
/// Call `finish()` after reading every known key: keys never asked for are reported as
/// unknown (a misspelt `learning_rate` must not be silently ignored).
final class ConfigReader {
    let diagnostics: DocumentDiagnostics
    let path: String
    private let pairs: [(key: String, value: Node, keyNode: Node)]
    private var seen: [String] = []

    /// Parses the file and reads its top-level mapping. Throws `InputError` when the file is
    /// missing, unreadable, malformed or not a mapping.
    static func load(_ url: URL) throws -> ConfigReader {
        let file = url.path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw InputError(file: file, message: "cannot read the file (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: file, message: "not UTF-8 text")
        }
        let diagnostics = DocumentDiagnostics(file: file)
        let node = try DocumentDiagnostics.compose(text, file: file)
        guard let pairs = diagnostics.mapping(node, "", what: "a mapping of settings") else {
            try diagnostics.throwIfAny()
            throw InputError(file: file, message: "expected a mapping of settings")
        }
        return ConfigReader(diagnostics: diagnostics, path: "", pairs: pairs)
    }

    private init(diagnostics: DocumentDiagnostics, path: String, pairs: [(key: String, value: Node, keyNode: Node)]) {
        self.diagnostics = diagnostics
        self.path = path
        self.pairs = pairs
    }

    var errors: [InputError] { diagnostics.errors }

    private func fieldPath(_ key: String) -> String { diagnostics.join(path, key) }

    /// Records a problem at `key` (the whole mapping when nil).
    func fail(_ key: String?, _ message: String) {
        diagnostics.fail(key.map(fieldPath) ?? path, key.flatMap(value), message)
    }

    private func value(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    private func node(_ key: String) -> Node? {
        if !seen.contains(key) { seen.append(key) }
        return value(key)
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    /// A nested mapping (nil when absent; a non-mapping value is reported).
    func object(_ key: String) -> ConfigReader? {
        guard let n = node(key), let nested = diagnostics.mapping(n, fieldPath(key), what: "a mapping of settings") else { return nil }
        return ConfigReader(diagnostics: diagnostics, path: fieldPath(key), pairs: nested)
    }

    /// One nested mapping or a non-empty list of them (nil when absent): a reader per mapping,
    /// at `key` or `key[i]`; a value of another kind, an empty list or a non-mapping item is
    /// reported (and skipped).
    func objects(_ key: String) -> [ConfigReader]? {
        guard let n = node(key) else { return nil }
        guard case .sequence = n else { return object(key).map { [$0] } ?? [] }
        guard let items = diagnostics.sequence(n, fieldPath(key), what: "a mapping or a list of mappings") else { return [] }
        if items.isEmpty { fail(key, "must hold at least one mapping") }
        return items.enumerated().compactMap { i, item in
            let itemPath = "\(fieldPath(key))[\(i)]"
            return diagnostics.mapping(item, itemPath, what: "a mapping of settings").map {
                ConfigReader(diagnostics: diagnostics, path: itemPath, pairs: $0)
            }
        }
    }

    func string(_ key: String) -> String? {
        node(key).flatMap { diagnostics.string($0, fieldPath(key)) }
    }

    func string(_ key: String, default value: String, oneOf allowed: [String]) -> String {
        guard let s = string(key) else { return value }
        guard allowed.contains(s) else {
            fail(key, "unknown value '\(s)'; expected one of \(allowed.joined(separator: ", "))")
            return value
        }
        return s
    }

    func double(_ key: String, default value: Double, min: Double? = nil, max: Double? = nil, exclusiveMin: Bool = false) -> Double {
        guard let n = node(key) else { return value }
        guard let d = diagnostics.number(n, fieldPath(key)) else { return value }
        guard d.isFinite else { fail(key, "must be a finite number, got \(d)"); return value }
        if let min, exclusiveMin ? d <= min : d < min { fail(key, "must be \(exclusiveMin ? ">" : "≥") \(min), got \(d)") }
        if let max, d > max { fail(key, "must be ≤ \(max), got \(d)") }
        return d
    }

    func int(_ key: String, default value: Int, min: Int? = nil, max: Int? = nil) -> Int {
        guard let n = node(key) else { return value }
        guard let i = diagnostics.integer(n, fieldPath(key)) else { return value }
        if let min, i < min { fail(key, "must be ≥ \(min), got \(i)") }
        if let max, i > max { fail(key, "must be ≤ \(max), got \(i)") }
        return i
    }

    func bool(_ key: String, default value: Bool) -> Bool {
        node(key).flatMap { diagnostics.bool($0, fieldPath(key)) } ?? value
    }

    func doubles(_ key: String, default value: [Double]) -> [Double] {
        guard let n = node(key) else { return value }
        guard let items = diagnostics.sequence(n, fieldPath(key), what: "a list of numbers") else { return value }
        return items.enumerated().compactMap { i, item in diagnostics.number(item, "\(fieldPath(key))[\(i)]") }
    }

    func strings(_ key: String, default value: [String]) -> [String] {
        guard let n = node(key) else { return value }
        guard let items = diagnostics.sequence(n, fieldPath(key), what: "a list of names") else { return value }
        return items.enumerated().compactMap { i, item in diagnostics.string(item, "\(fieldPath(key))[\(i)]") }
    }

    /// A non-empty list of distinct names (attributes an objective acts on); reports an empty
    /// list or a repeated name.
    func attributeNames(_ key: String) -> [String] {
        let names = strings(key, default: [])
        if names.isEmpty { fail(key, "must name at least one attribute") }
        else if Set(names).count != names.count { fail(key, "names an attribute more than once") }
        return names
    }

    /// Reports every key of this mapping that no accessor asked for.
    func finish() {
        diagnostics.checkKeys(pairs, path, allowed: seen)
    }
}
