import Diagnostics

/// A bound on how deeply a YAML/JSON document may nest, checked on the text before parsing:
/// the parser (Yams) and the grammar readers recurse once per level, so thousands of levels
/// would overflow the call stack instead of giving an error.
enum NestingDepth {
    /// The most levels a grammar document may nest. Real grammars use a dozen; the original
    /// Meta-Sim tree format takes two per node level.
    static let maximum = 512

    /// Throws an `InputError` (with the line) when `text` nests deeper than `maximum`.
    ///
    /// Counts flow brackets `[` `{` outside quoted strings and comments, plus block nesting:
    /// a line's indentation and its leading `- ` / `? ` indicators, each of which can open a
    /// level. Errs on the side of counting (a `[` inside a plain scalar counts), never under.
    static func check(_ text: String, file: String) throws {
        var flow = 0
        var line = 1
        var atLineStart = true
        var column = 0
        var blockLevels = 0
        var quote: UInt8? = nil
        var inComment = false
        var previous: UInt8 = 0x0A
        var bytes = Array(text.utf8)[...]
        func fail() throws -> Never {
            throw InputError(file: file, line: line, message: "nesting deeper than \(maximum) levels")
        }
        while let byte = bytes.popFirst() {
            defer { previous = byte }
            if byte == 0x0A {
                line += 1
                atLineStart = true
                column = 0
                blockLevels = 0
                inComment = false
                if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") { continue }
                continue
            }
            if inComment { continue }
            if atLineStart && quote == nil {
                if byte == 0x20 { column += 1; continue }
                if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "?")) && bytes.first == 0x20 {
                    blockLevels += 1
                    column += 1
                    if column + blockLevels + flow > maximum { try fail() }
                    continue
                }
                atLineStart = false
                if column + blockLevels + flow > maximum { try fail() }
            }
            if let q = quote {
                if q == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") { _ = bytes.popFirst(); continue }
                if byte == q { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                // A quote opens a string at the start of a scalar, not inside a word (it's).
                if [0x20, 0x09, 0x0A, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: ":")].contains(previous) {
                    quote = byte
                }
            case UInt8(ascii: "#"):
                if previous == 0x20 || previous == 0x09 || previous == 0x0A { inComment = true }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flow += 1
                if column + blockLevels + flow > maximum { try fail() }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                flow = max(0, flow - 1)
            default:
                break
            }
        }
    }
}
