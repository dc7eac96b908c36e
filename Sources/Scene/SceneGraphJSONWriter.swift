/// A fast JSON writer for scene graphs: appends one graph's JSON (`{"nodes":[…]}`) to a byte
/// buffer, the format `SceneGraph.jsonEncoder()` gives, without Foundation's encoder — for
/// `metasim sample`, whose millions of graphs Foundation's `JSONEncoder` writes at about
/// 1,300 graphs/s (issue 12, case r38).
///
/// Output (RFC 8259 JSON): keys sorted — node keys `asset`, `attributes`, `class`, `mutable`,
/// `parent`, `rule`; attribute names and `mutable` in Swift's `String` order (Unicode scalar
/// order; for the ASCII names every bundled grammar uses, the order `JSONEncoder`'s
/// `.sortedKeys` gives); `parent` and
/// `asset` left out when nil, as `encodeIfPresent` does. Strings are escaped per RFC 8259 §7:
/// `"` and `\` with a backslash, control characters U+0000–U+001F as `\b \f \n \r \t` or
/// `\u00XX`, everything else (`/` included) as UTF-8. Numbers: Swift's `description` of the
/// `Double` — the shortest decimal that reads back to the same bits — with a trailing `.0`
/// dropped (as `JSONEncoder` does: `30`, not `30.0`), so every number round-trips exactly.
/// A NaN or infinite number throws `EncodingError.invalidValue`, as `JSONEncoder` does
/// without a non-conforming-float strategy.
public enum SceneGraphJSONWriter {
    /// Appends the JSON of `graph` (no newline) to `out`. Throws `EncodingError.invalidValue`
    /// for a non-finite number (`out` then holds part of the graph: discard it).
    public static func append(_ graph: SceneGraph, to out: inout [UInt8]) throws {
        appendLiteral(#"{"nodes":["#, to: &out)
        for (index, node) in graph.nodes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try append(node, to: &out)
        }
        appendLiteral("]}", to: &out)
    }

    /// Appends the JSON object of one node.
    static func append(_ node: SceneNode, to out: inout [UInt8]) throws {
        out.append(UInt8(ascii: "{"))
        if let asset = node.asset {
            appendLiteral(#""asset":{"index":"#, to: &out)
            appendInteger(asset.index, to: &out)
            appendLiteral(#","store":"#, to: &out)
            appendString(asset.store, to: &out)
            appendLiteral("},", to: &out)
        }
        appendLiteral(#""attributes":{"#, to: &out)
        var first = true
        for (name, value) in node.attributes.sorted(by: { $0.key < $1.key }) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            switch value {
            case .number(let value): try appendNumber(value, to: &out)
            case .string(let value): appendString(value, to: &out)
            case .bool(let value): appendLiteral(value ? "true" : "false", to: &out)
            }
        }
        appendLiteral(#"},"class":"#, to: &out)
        appendString(node.className, to: &out)
        appendLiteral(#","mutable":["#, to: &out)
        first = true
        for name in node.mutable.sorted() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(name, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let parent = node.parent {
            appendLiteral(#","parent":"#, to: &out)
            appendInteger(parent, to: &out)
        }
        appendLiteral(#","rule":"#, to: &out)
        appendString(node.rule, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Appends the bytes of a literal.
    @inline(__always)
    static func appendLiteral(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `value` as a JSON string: quotes, `"` `\` and U+0000–U+001F escaped (RFC 8259 §7).
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "u00".utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `value` in decimal.
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            out.append(contentsOf: String(value).utf8)
        }
    }

    /// Appends `value` as the shortest decimal that reads back to it (`description`, trailing
    /// `.0` dropped). Throws `EncodingError.invalidValue` for NaN and ±infinity.
    static func appendNumber(_ value: Double, to out: inout [UInt8]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: [], debugDescription: "Unable to encode Double.\(value) directly in JSON."))
        }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {     // an integer: its digits
            if value == 0 && value.sign == .minus {
                out.append(contentsOf: "-0".utf8)
            } else {
                appendInteger(Int(value), to: &out)
            }
            return
        }
        var sink = ByteSink()
        swap(&sink.bytes, &out)
        value.write(to: &sink)          // `description`'s text, without making a String
        swap(&sink.bytes, &out)
        if out.count >= 2, out[out.count - 2] == UInt8(ascii: "."), out[out.count - 1] == UInt8(ascii: "0") {
            out.removeLast(2)
        }
    }

    /// A `TextOutputStream` appending to a byte array. `Double.write(to:)` hands it the ASCII
    /// digits through `_writeASCII` (the standard library's hook for ASCII text), so no `String`
    /// is allocated per number; `write(_:)` serves any other caller.
    struct ByteSink: TextOutputStream {
        var bytes: [UInt8] = []
        mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
    }
}
