/// A fast JSON writer for scene graphs: appends one graph's JSON (`{"nodes":[…]}`) to a byte
/// buffer, the format `SceneGraph.jsonEncoder()` gives, without Foundation's encoder — for
/// `metasim sample`, whose millions of graphs Foundation's `JSONEncoder` writes at about
/// 1,300 graphs/s (issue 12, case r38).
///
/// Output (RFC 8259 JSON): keys sorted — node keys `asset`, `attributes`, `class`, `mutable`,
/// `parent`, `rule`; attribute names and `mutable` in Swift's `String` order (Unicode scalar
/// order; for the ASCII names every bundled grammar uses, the order `JSONEncoder`'s
/// `.sortedKeys` gives); `parent` and `asset` left out when nil, as `encodeIfPresent` does.
/// Strings are escaped per RFC 8259 §7: `"` and `\` with a backslash, control characters
/// U+0000–U+001F as `\b \f \n \r \t` or `\u00XX`, everything else (`/` included) as UTF-8.
/// Numbers: Swift's `description` of the `Double` — the shortest decimal that reads back to the
/// same bits — with a trailing `.0` dropped (as `JSONEncoder` does: `30`, not `30.0`), so every
/// number round-trips exactly. A NaN or infinite number throws `EncodingError.invalidValue`, as
/// `JSONEncoder` does without a non-conforming-float strategy.
///
/// Speed: the graph's largest possible size is reserved at the end of the buffer first
/// (`maximumLength`), then bytes are stored through a raw cursor (`Cursor`) with no per-byte
/// bounds or uniqueness checks, and the unused tail is cut off. Within one `jsonLines` call a
/// rule's sorted attribute and mutable names are worked out once and reused for its later
/// nodes while they hold the same names (`NameOrders`).
public enum SceneGraphJSONWriter {
    /// Appends the JSON of `graph` (no newline) to `out`. Throws `EncodingError.invalidValue`
    /// for a non-finite number (`out` is then left as it was).
    public static func append(_ graph: SceneGraph, to out: inout [UInt8]) throws {
        try reserving(maximumLength(of: graph), in: &out) { try $0.write(graph) }
    }

    /// `graphs` as JSON Lines (each graph's JSON and a newline), in one allocation sized by
    /// `maximumLength` and written without zero-filling. Throws `EncodingError.invalidValue`
    /// for a non-finite number.
    public static func jsonLines(_ graphs: [SceneGraph]) throws -> [UInt8] {
        let bound = graphs.reduce(0) { $0 + maximumLength(of: $1) + 1 }
        var failure: Error?
        let lines = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            var cursor = Cursor(buffer.baseAddress!)
            do {
                for graph in graphs {
                    try cursor.write(graph)
                    cursor.byte(0x0A)
                }
            } catch {
                failure = error
            }
            count = failure == nil ? cursor.next - buffer.baseAddress! : 0
            precondition(count <= bound, "SceneGraphJSONWriter: bound \(bound) < \(count) bytes written")
        }
        if let failure { throw failure }
        return lines
    }

    /// An upper bound on the bytes `append` writes for `graph`: fixed text per node, 6 bytes per
    /// string byte (`\u00XX`) plus quotes, 32 per number (the longest `description` has 24),
    /// 20 per integer.
    static func maximumLength(of graph: SceneGraph) -> Int {
        func string(_ s: String) -> Int { 6 * s.utf8.count + 2 }
        var total = 16
        for node in graph.nodes {
            total += 96 + string(node.rule) + string(node.className)
            if let asset = node.asset { total += 64 + string(asset.store) }
            for (name, value) in node.attributes {
                total += 2 + string(name)
                switch value {
                case .number: total += 32
                case .string(let s): total += string(s)
                case .bool: total += 5
                }
            }
            for name in node.mutable { total += 1 + string(name) }
        }
        return total
    }

    /// Stores bytes at `next` and moves on; the caller reserved the room (`maximumLength`).
    /// Also the `TextOutputStream` `Double.write(to:)` writes its digits to: the standard
    /// library hands them over through `_writeASCII` (its hook for ASCII text), so no `String`
    /// is made per number; `write(_:)` serves any other caller.
    struct Cursor: TextOutputStream {
        var next: UnsafeMutablePointer<UInt8>
        /// Sorted orders of the attribute names and mutable names of nodes written so far.
        private var attributeOrders = NameOrders()
        private var mutableOrders = NameOrders()
        /// The attribute dictionary's indices in iteration order (kept to reuse its storage).
        private var slots: [Dictionary<String, AttributeValue>.Index] = []

        init(_ start: UnsafeMutablePointer<UInt8>) { next = start }

        @inline(__always) mutating func byte(_ value: UInt8) {
            next.pointee = value
            next += 1
        }

        @inline(__always) mutating func bytes(_ buffer: UnsafeBufferPointer<UInt8>) {
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            next.update(from: base, count: buffer.count)
            next += buffer.count
        }

        @inline(__always) mutating func literal(_ text: StaticString) {
            bytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        mutating func write(_ string: String) {
            var string = string
            string.withUTF8 { bytes($0) }
        }

        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes(buffer) }

        mutating func write(_ graph: SceneGraph) throws {
            literal(#"{"nodes":["#)
            for (index, node) in graph.nodes.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                try write(node)
            }
            literal("]}")
        }

        /// The JSON object of one node.
        mutating func write(_ node: SceneNode) throws {
            byte(UInt8(ascii: "{"))
            if let asset = node.asset {
                literal(#""asset":{"index":"#)
                integer(asset.index)
                literal(#","store":"#)
                string(asset.store)
                literal("},")
            }
            literal(#""attributes":{"#)
            let attributes = node.attributes
            slots.removeAll(keepingCapacity: true)
            slots.append(contentsOf: attributes.indices)
            let attributeOrder = attributeOrders.sorted(attributes.keys, rule: node.rule)
            for (n, position) in attributeOrder.order.enumerated() {
                if n > 0 { byte(UInt8(ascii: ",")) }
                let (name, value) = attributes[slots[position]]
                string(name)
                byte(UInt8(ascii: ":"))
                switch value {
                case .number(let value): try number(value)
                case .string(let value): string(value)
                case .bool(let value): literal(value ? "true" : "false")
                }
            }
            literal(#"},"class":"#)
            string(node.className)
            literal(#","mutable":["#)
            let mutableOrder = mutableOrders.sorted(node.mutable, rule: node.rule)
            for (n, position) in mutableOrder.order.enumerated() {
                if n > 0 { byte(UInt8(ascii: ",")) }
                string(mutableOrder.names[position])
            }
            byte(UInt8(ascii: "]"))
            if let parent = node.parent {
                literal(#","parent":"#)
                integer(parent)
            }
            literal(#","rule":"#)
            string(node.rule)
            byte(UInt8(ascii: "}"))
        }

        /// `value` as a JSON string: quotes, `"` `\` and U+0000–U+001F escaped (RFC 8259 §7).
        mutating func string(_ value: String) {
            byte(UInt8(ascii: "\""))
            var value = value
            value.withUTF8 { utf8 in
                var start = 0
                for (i, code) in utf8.enumerated() where code < 0x20 || code == UInt8(ascii: "\"") || code == UInt8(ascii: "\\") {
                    bytes(UnsafeBufferPointer(rebasing: utf8[start..<i]))
                    byte(UInt8(ascii: "\\"))
                    switch code {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte(code)
                    case 0x08: byte(UInt8(ascii: "b"))
                    case 0x0C: byte(UInt8(ascii: "f"))
                    case 0x0A: byte(UInt8(ascii: "n"))
                    case 0x0D: byte(UInt8(ascii: "r"))
                    case 0x09: byte(UInt8(ascii: "t"))
                    default:
                        literal("u00")
                        byte(hexDigit(code >> 4))
                        byte(hexDigit(code & 0xF))
                    }
                    start = i + 1
                }
                bytes(UnsafeBufferPointer(rebasing: utf8[start...]))
            }
            byte(UInt8(ascii: "\""))
        }

        private func hexDigit(_ value: UInt8) -> UInt8 {
            value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
        }

        /// `value` in decimal.
        mutating func integer(_ value: Int) {
            if value >= 0 && value < 10 {
                byte(UInt8(ascii: "0") + UInt8(value))
            } else {
                write(String(value))
            }
        }

        /// `value` as the shortest decimal that reads back to it (`description`, trailing `.0`
        /// dropped). Throws `EncodingError.invalidValue` for NaN and ±infinity.
        mutating func number(_ value: Double) throws {
            guard value.isFinite else {
                throw EncodingError.invalidValue(value, EncodingError.Context(
                    codingPath: [], debugDescription: "Unable to encode Double.\(value) directly in JSON."))
            }
            if value == value.rounded(.towardZero), abs(value) < 1e15 {     // an integer: its digits
                if value == 0 && value.sign == .minus {
                    literal("-0")
                } else {
                    integer(Int(value))
                }
                return
            }
            let start = next
            value.write(to: &self)          // `description`'s text, without making a String
            if next - start >= 2, (next - 2).pointee == UInt8(ascii: "."), (next - 1).pointee == UInt8(ascii: "0") {
                next -= 2
            }
        }
    }
}

extension SceneGraphJSONWriter {
    /// Appends `value` as a JSON string, escaped as `append` escapes a graph's strings (RFC 8259
    /// §7; the bytes `JSONEncoder` with `.withoutEscapingSlashes` gives), to `out`: for writers of
    /// records that hold a graph (Datasets' `SampleRecord`).
    public static func appendString(_ value: String, to out: inout [UInt8]) {
        reserving(6 * value.utf8.count + 2, in: &out) { $0.string(value) }
    }

    /// Appends `value` as `append` writes a graph's numbers (shortest round-trip decimal,
    /// trailing `.0` dropped, as `JSONEncoder` writes a `Double`) to `out`. Throws
    /// `EncodingError.invalidValue` for NaN and ±infinity (`out` is then left as it was).
    public static func appendNumber(_ value: Double, to out: inout [UInt8]) throws {
        try reserving(32, in: &out) { try $0.number(value) }
    }

    /// Appends `value` in decimal to `out`.
    public static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        reserving(20, in: &out) { $0.integer(value) }
    }

    /// Reserves `bound` bytes at the end of `out`, lets `body` write at most that many through
    /// a `Cursor`, and cuts off the rest (all of it when `body` throws).
    private static func reserving(_ bound: Int, in out: inout [UInt8], _ body: (inout Cursor) throws -> Void) rethrows {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bound))
        var written = 0
        do {
            try out.withUnsafeMutableBufferPointer { buffer in
                var cursor = Cursor(buffer.baseAddress! + start)
                try body(&cursor)
                written = cursor.next - (buffer.baseAddress! + start)
            }
        } catch {
            out.removeLast(bound)
            throw error
        }
        precondition(written <= bound, "SceneGraphJSONWriter: bound \(bound) < \(written) bytes written")
        out.removeLast(bound - written)
    }
}

/// Sorted orders of name collections, worked out once per rule: nodes sampled from one rule hold
/// the same names in the same iteration order (their dictionaries and sets are copies of one),
/// so sorting them again for every node is wasted work. An order is reused only after checking
/// that the collection holds exactly the remembered names in the remembered iteration order;
/// anything else is sorted afresh, so the result is always the names in `String` order.
struct NameOrders {
    /// One rule's names in iteration order and their sorted order.
    struct Entry {
        var rule: String
        /// The names in the collection's iteration order.
        var names: [String]
        /// `order[j]`: the position in `names` of the j-th name in `String` order.
        var order: [Int]
    }

    /// At most this many rules are remembered; past it, the oldest entry is replaced.
    static let capacity = 32
    private var entries: [Entry] = []
    private var oldest = 0

    /// `names` (of a node made by `rule`) with their sorted order.
    mutating func sorted<Names: Collection<String>>(_ names: Names, rule: String) -> Entry {
        let known = entries.firstIndex { $0.rule == rule }
        if let known, entries[known].names.count == names.count, entries[known].names.elementsEqual(names) {
            return entries[known]
        }
        let list = Array(names)
        let entry = Entry(rule: rule, names: list, order: list.indices.sorted { list[$0] < list[$1] })
        if let known {
            entries[known] = entry
        } else if entries.count < NameOrders.capacity {
            entries.append(entry)
        } else {
            entries[oldest] = entry
            oldest = (oldest + 1) % NameOrders.capacity
        }
        return entry
    }
}
