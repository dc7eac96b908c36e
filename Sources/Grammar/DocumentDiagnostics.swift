import Diagnostics
import Foundation
import Scene
import Yams

/// Collects every problem found while reading one YAML/JSON document (a grammar, an experiment
/// file), with field paths and lines, and offers typed accessors over Yams nodes that record a
/// problem instead of failing.
public final class DocumentDiagnostics {
    /// The document's path or label, copied into every recorded `InputError`.
    public let file: String
    /// Problems recorded so far, in the order found.
    public private(set) var errors: [InputError] = []

    /// Starts an empty collector for the document `file`.
    public init(file: String) {
        self.file = file
    }

    /// Records a problem at `path` (line taken from `node` when known).
    public func fail(_ path: String, _ node: Node?, _ message: String) {
        errors.append(InputError(file: file, path: path, line: node?.mark?.line, message: message))
    }

    /// Throws every recorded problem (as one `InputErrors`) if there is any.
    public func throwIfAny() throws {
        if !errors.isEmpty { throw InputErrors(errors) }
    }

    /// The key/value pairs of a mapping (keys as strings), or nil with a problem recorded.
    public func mapping(_ node: Node, _ path: String, what: String = "a mapping") -> [(key: String, value: Node, keyNode: Node)]? {
        guard case .mapping(let m) = node else {
            fail(path, node, "expected \(what), found \(describe(node))")
            return nil
        }
        var seen: Set<String> = []
        var out: [(key: String, value: Node, keyNode: Node)] = []
        for (k, v) in m {
            let key = k.scalar?.string ?? "\(k)"
            if !seen.insert(key).inserted { fail(join(path, key), k, "duplicate key '\(key)'") }
            out.append((key, v, k))
        }
        return out
    }

    /// Records a problem for each key of `pairs` not in `allowed`.
    public func checkKeys(_ pairs: [(key: String, value: Node, keyNode: Node)], _ path: String, allowed: [String]) {
        for pair in pairs where !allowed.contains(pair.key) {
            fail(join(path, pair.key), pair.keyNode, "unknown key '\(pair.key)' (expected one of: \(allowed.joined(separator: ", ")))")
        }
    }

    /// The items of a sequence, or nil with a problem recorded.
    public func sequence(_ node: Node, _ path: String, what: String = "a list") -> [Node]? {
        guard case .sequence(let s) = node else {
            fail(path, node, "expected \(what), found \(describe(node))")
            return nil
        }
        return Array(s)
    }

    /// A finite number, or nil with a problem recorded.
    public func number(_ node: Node, _ path: String) -> Double? {
        if let v = DocumentDiagnostics.numberValue(node) {
            guard v.isFinite else { fail(path, node, "expected a finite number, found \(v)"); return nil }
            return v
        }
        fail(path, node, "expected a number, found \(describe(node))")
        return nil
    }

    /// A whole number, or nil with a problem recorded.
    public func integer(_ node: Node, _ path: String) -> Int? {
        guard let v = number(node, path) else { return nil }
        guard v == v.rounded(), abs(v) < 1e15 else { fail(path, node, "expected a whole number, found \(v)"); return nil }
        return Int(v)
    }

    /// A string scalar (numbers and booleans are accepted as their text), or nil with a problem.
    public func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let s) = node, !DocumentDiagnostics.isNull(node) else {
            fail(path, node, "expected a name, found \(describe(node))")
            return nil
        }
        return s.string
    }

    /// A boolean, or nil with a problem recorded.
    public func bool(_ node: Node, _ path: String) -> Bool? {
        if case .scalar = node, DocumentDiagnostics.tagName(node) == .bool, let b = node.bool { return b }
        fail(path, node, "expected true or false, found \(describe(node))")
        return nil
    }

    /// A scalar as an attribute value: number, boolean or string.
    func value(_ node: Node, _ path: String) -> AttributeValue? {
        guard case .scalar(let s) = node, !DocumentDiagnostics.isNull(node) else {
            fail(path, node, "expected a number, string or boolean, found \(describe(node))")
            return nil
        }
        if DocumentDiagnostics.tagName(node) == .bool, let b = node.bool { return .bool(b) }
        if let v = DocumentDiagnostics.numberValue(node) {
            guard v.isFinite else { fail(path, node, "expected a finite number, found \(v)"); return nil }
            return .number(v)
        }
        return .string(s.string)
    }

    /// The numeric value of a plain int/float scalar (quoted strings are not numbers).
    static func numberValue(_ node: Node) -> Double? {
        guard case .scalar(let s) = node else { return nil }
        switch DocumentDiagnostics.tagName(node) {
        case .int: return node.int.map(Double.init) ?? Double(s.string)
        case .float: return node.float
        default: return nil
        }
    }

    static func isNull(_ node: Node) -> Bool { DocumentDiagnostics.tagName(node) == .null }

    /// The resolved tag of a node (`.int`, `.float`, `.bool`, `.str`, `.null` for scalars).
    static func tagName(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.description) }

    /// A short description of what a node is, for messages.
    public func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s):
            if DocumentDiagnostics.isNull(node) { return "nothing (null)" }
            return "'\(s.string)'"
        }
    }

    /// `path.key` (or `key` at the top).
    public func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// Parses `text` (YAML or JSON) into a node tree; syntax errors become one `InputError`
    /// with the line Yams reports, and so does nesting deeper than `NestingDepth.maximum`
    /// levels (checked before parsing: the parser would overflow the stack).
    public static func compose(_ text: String, file: String) throws -> Node {
        try NestingDepth.check(text, file: file)
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InputError(file: file, message: "the file is empty")
            }
            return node
        } catch let error as YamlError {
            throw InputError(file: file, line: line(of: error), message: "malformed YAML/JSON: \(problem(of: error))")
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            if let context { return "\(context.text) \(problem)".trimmingCharacters(in: .whitespaces) }
            return problem
        default: return "\(error)"
        }
    }
}
