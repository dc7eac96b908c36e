import Diagnostics
import Foundation
import Yams

/// Reads one mapping of a YAML or JSON configuration file field by field, collecting every
/// problem (wrong type, out-of-range value, unknown key) as an `InputError` with the field's
/// path, instead of stopping at the first one.
///
/// Call `finish()` after reading every known key: keys never asked for are reported as
/// unknown (a misspelt `learning_rate` must not be silently ignored).
final class ConfigReader {
    let file: String
    let path: String
    private let mapping: Node.Mapping?
    private var seen: Set<String> = []
    private let sink: ErrorSink

    /// Collects the errors of a reader and all readers made from it.
    final class ErrorSink {
        var errors: [InputError] = []
    }

    /// Parses `text` (YAML, which includes JSON) and reads its top-level mapping.
    static func load(_ url: URL) throws -> ConfigReader {
        let file = url.path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw InputError(file: file, message: "cannot read the file (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: file, message: "not UTF-8 text")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError(file: file, message: "malformed YAML/JSON: \(error)")
        }
        guard let mapping = node?.mapping else {
            throw InputError(file: file, message: "expected a mapping of settings at the top level")
        }
        return ConfigReader(file: file, path: "", mapping: mapping, sink: ErrorSink())
    }

    private init(file: String, path: String, mapping: Node.Mapping?, sink: ErrorSink) {
        self.file = file
        self.path = path
        self.mapping = mapping
        self.sink = sink
    }

    var errors: [InputError] { sink.errors }

    func fail(_ key: String?, _ message: String, node: Node? = nil) {
        let fieldPath = key.map { path.isEmpty ? $0 : "\(path).\($0)" } ?? path
        sink.errors.append(InputError(file: file, path: fieldPath, line: node?.mark.map { $0.line }, message: message))
    }

    private func node(_ key: String) -> Node? {
        seen.insert(key)
        return mapping?[key]
    }

    func has(_ key: String) -> Bool { mapping?[key] != nil }

    /// A nested mapping (`nil` when absent; reports a non-mapping value).
    func object(_ key: String) -> ConfigReader? {
        guard let n = node(key) else { return nil }
        guard let m = n.mapping else {
            fail(key, "expected a mapping of settings", node: n)
            return nil
        }
        return ConfigReader(file: file, path: path.isEmpty ? key : "\(path).\(key)", mapping: m, sink: sink)
    }

    func string(_ key: String) -> String? {
        guard let n = node(key) else { return nil }
        guard let s = n.scalar?.string else {
            fail(key, "expected a string", node: n)
            return nil
        }
        return s
    }

    func string(_ key: String, default value: String, oneOf allowed: [String]) -> String {
        guard let s = string(key) else { return value }
        guard allowed.contains(s) else {
            fail(key, "unknown value '\(s)'; expected one of \(allowed.joined(separator: ", "))", node: node(key))
            return value
        }
        return s
    }

    func double(_ key: String, default value: Double, min: Double? = nil, max: Double? = nil, exclusiveMin: Bool = false) -> Double {
        guard let n = node(key) else { return value }
        guard let s = n.scalar?.string, let d = Double(s), d.isFinite else {
            fail(key, "expected a finite number, got '\(n.scalar?.string ?? "a non-scalar")'", node: n)
            return value
        }
        if let min, exclusiveMin ? d <= min : d < min {
            fail(key, "must be \(exclusiveMin ? ">" : "≥") \(min), got \(d)", node: n)
        }
        if let max, d > max { fail(key, "must be ≤ \(max), got \(d)", node: n) }
        return d
    }

    func int(_ key: String, default value: Int, min: Int? = nil, max: Int? = nil) -> Int {
        guard let n = node(key) else { return value }
        guard let s = n.scalar?.string, let i = Int(s) else {
            fail(key, "expected an integer, got '\(n.scalar?.string ?? "a non-scalar")'", node: n)
            return value
        }
        if let min, i < min { fail(key, "must be ≥ \(min), got \(i)", node: n) }
        if let max, i > max { fail(key, "must be ≤ \(max), got \(i)", node: n) }
        return i
    }

    func bool(_ key: String, default value: Bool) -> Bool {
        guard let n = node(key) else { return value }
        guard let b = n.bool else {
            fail(key, "expected true or false", node: n)
            return value
        }
        return b
    }

    func doubles(_ key: String, default value: [Double]) -> [Double] {
        guard let n = node(key) else { return value }
        guard let seq = n.sequence else {
            fail(key, "expected a list of numbers", node: n)
            return value
        }
        var out: [Double] = []
        for (i, item) in seq.enumerated() {
            guard let d = item.scalar.flatMap({ Double($0.string) }), d.isFinite else {
                fail("\(key)[\(i)]", "expected a finite number", node: item)
                continue
            }
            out.append(d)
        }
        return out
    }

    func strings(_ key: String, default value: [String]) -> [String] {
        guard let n = node(key) else { return value }
        guard let seq = n.sequence else {
            fail(key, "expected a list of strings", node: n)
            return value
        }
        return seq.enumerated().compactMap { i, item in
            guard let s = item.scalar?.string else {
                fail("\(key)[\(i)]", "expected a string", node: item)
                return nil
            }
            return s
        }
    }

    /// Reports every key of this mapping that no accessor asked for.
    func finish() {
        guard let mapping else { return }
        for (key, _) in mapping {
            guard let name = key.scalar?.string, !seen.contains(name) else { continue }
            fail(name, "unknown setting", node: key)
        }
    }
}
