import Diagnostics
import Scene

/// Typed, validated access to one node's attributes, with errors that say where (what
/// `ShapeKind`s and `FrameKind`s read nodes through).
public struct AttributeReader {
    /// The attributes of the node being read (the node itself is not kept: copying it would
    /// retain each of its strings and collections, per node compiled).
    public let attributes: [String: AttributeValue]
    /// Index of the graph in its batch (errors name the file `graph N`).
    public let graphIndex: Int
    /// Index of the node in its graph (errors name the path `nodes[K]...`).
    public let nodeIndex: Int

    /// The node's names, packed (`PackedName`; ASCII names over 15 bytes are left out),
    /// each with where its value is. Nil when the node has a name that is not ASCII: then every
    /// name is looked up by hashing.
    private let packedNames: [(name: PackedName, index: Dictionary<String, AttributeValue>.Index)]?

    /// A reader of `attributes`, those of node `nodeIndex` of graph `graphIndex`.
    init(attributes: [String: AttributeValue], graphIndex: Int, nodeIndex: Int) {
        self.attributes = attributes
        self.graphIndex = graphIndex
        self.nodeIndex = nodeIndex
        packedNames = Self.packedNames(attributes)
    }

    private static func packedNames(_ attributes: [String: AttributeValue])
        -> [(name: PackedName, index: Dictionary<String, AttributeValue>.Index)]? {
        var names: [(name: PackedName, index: Dictionary<String, AttributeValue>.Index)] = []
        names.reserveCapacity(attributes.count)
        var i = attributes.startIndex
        while i != attributes.endIndex {
            switch PackedName.pack(attributes.keys[i]) {
            case .packed(let name): names.append((name, i))
            case .longASCII: break
            case .other: return nil
            }
            attributes.formIndex(after: &i)
        }
        return names
    }

    /// An `InputError` about attribute `attribute` of this node: file `graph N`, path
    /// `nodes[K].attributes.NAME`.
    public func error(_ attribute: String, _ message: String) -> InputError {
        InputError(file: "graph \(graphIndex)", path: "nodes[\(nodeIndex)].attributes.\(attribute)", message: message)
    }

    /// The attribute's value, nil when absent. Most names asked for are absent, and a hashed
    /// lookup costs about 370 instructions (callgrind); a node's names are compared packed
    /// into two words instead (`PackedName`, packed once per reader: about 25 names are
    /// asked per aerial node; the renderer's own names are packed once, as `AttributeName`
    /// constants). Strings compare by canonical equivalence (U+212A KELVIN SIGN equals "K"),
    /// which for two ASCII strings is byte equality: names that are not ASCII, or nodes with
    /// such a name, are hashed.
    public func value(_ name: AttributeName) -> AttributeValue? {
        guard let packedNames, case .packed(let packed) = name.packing else { return attributes[name.string] }
        for entry in packedNames where entry.name == packed { return attributes.values[entry.index] }
        return nil
    }

    /// `value(_:)` of a name given as a string.
    public func value(_ name: String) -> AttributeValue? { value(AttributeName(name)) }

    /// The attribute as a finite number, nil when absent; throws when it is not a number or is
    /// NaN / infinite.
    public func number(_ name: AttributeName) throws -> Double? {
        guard let v = value(name) else { return nil }
        return try number(name.string, v)
    }

    /// `number(_:)` of a name given as a string.
    public func number(_ name: String) throws -> Double? { try number(AttributeName(name)) }

    /// `v`, the value of attribute `name` already looked up, as a finite number; throws as
    /// `number(_:)` does.
    func number(_ name: String, _ v: AttributeValue) throws -> Double {
        guard case .number(let d) = v else { throw error(name, "must be a number") }
        guard d.isFinite else { throw error(name, "must be finite, got \(d)") }
        return d
    }

    /// The attribute as a string, nil when absent; throws when it is not a string.
    public func string(_ name: AttributeName) throws -> String? {
        guard let v = value(name) else { return nil }
        guard case .string(let s) = v else { throw error(name.string, "must be a string") }
        return s
    }

    /// `string(_:)` of a name given as a string.
    public func string(_ name: String) throws -> String? { try string(AttributeName(name)) }

    /// `weight × attribute` when the attribute is present (and records the link so gradients
    /// reach it), else `defaultValue` (already in the parameter's units).
    func linked(_ name: AttributeName, _ parameter: LayerParameter, _ weight: Float, default defaultValue: Float,
                into links: inout [ParameterLink]) throws -> Float {
        guard let v = value(name) else { return defaultValue }
        return try linked(name.string, v, parameter, weight, into: &links)
    }

    /// `linked` for `v`, the value of attribute `name` already looked up.
    func linked(_ name: String, _ v: AttributeValue, _ parameter: LayerParameter, _ weight: Float,
                into links: inout [ParameterLink]) throws -> Float {
        let d = try number(name, v)
        links.append(ParameterLink(parameter: parameter, attribute: name, weight: weight))
        return Float(d) * weight
    }

    /// Vertices written `"x,y x,y ..."` (separators: whitespace or `;`), at least `minimum`.
    public func points(_ name: String, minimum: Int) throws -> [SIMD2<Float>] {
        guard let text = try string(name) else { throw error(name, "missing: expected \"x,y x,y ...\"") }
        let pairs = text.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" || $0 == "\t" })
        var out: [SIMD2<Float>] = []
        for (i, pair) in pairs.enumerated() {
            let xy = pair.split(separator: ",")
            guard xy.count == 2, let x = Float(xy[0]), let y = Float(xy[1]), x.isFinite, y.isFinite else {
                throw error(name, "point \(i) '\(pair)' is not 'x,y' with finite numbers")
            }
            out.append(SIMD2(x, y))
        }
        guard out.count >= minimum else { throw error(name, "needs at least \(minimum) points, got \(out.count)") }
        return out
    }
}
