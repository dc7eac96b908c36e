/// One object of a scene: its class, its attributes, which of them a learned model may change,
/// and (optionally) the asset it draws.
public struct SceneNode: Codable, Equatable, Sendable {
    /// The grammar rule that produced the node (for example `"Digit"`).
    public var rule: String
    /// The node's class (for example `"3"` for an MNIST digit, `"car"`).
    public var className: String
    /// Attribute values by name. Numbers are `Double`; strings and booleans pass through to the
    /// renderer unchanged.
    public var attributes: [String: AttributeValue]
    /// Names of the attributes the learned model may change. Always a subset of `attributes`' keys.
    public var mutable: Set<String>
    /// Index of the parent node, nil for the root.
    public var parent: Int?
    /// The asset the node draws (for example one MNIST digit image), if any.
    public var asset: AssetRef?

    /// Memberwise initialiser. Nothing is checked: callers keep `mutable` within the keys of
    /// `attributes` and `parent` a valid earlier index.
    public init(rule: String, className: String, attributes: [String: AttributeValue] = [:],
                mutable: Set<String> = [], parent: Int? = nil, asset: AssetRef? = nil) {
        self.rule = rule
        self.className = className
        self.attributes = attributes
        self.mutable = mutable
        self.parent = parent
        self.asset = asset
    }

    /// The numeric value of attribute `name`, or nil when it is missing or not a number.
    public func number(_ name: String) -> Double? {
        if case .number(let value)? = attributes[name] { return value }
        return nil
    }

    /// The string value of attribute `name`, or nil when it is missing or not a string.
    public func string(_ name: String) -> String? {
        if case .string(let value)? = attributes[name] { return value }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case rule, className = "class", attributes, mutable, parent, asset
    }

    /// Decodes the JSON object `{"rule", "class", "attributes"?, "mutable"?, "parent"?, "asset"?}`;
    /// absent optional keys give empty/nil values. Throws `DecodingError` when `rule` or `class`
    /// is missing or a field has the wrong type.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rule = try c.decode(String.self, forKey: .rule)
        className = try c.decode(String.self, forKey: .className)
        attributes = try c.decodeIfPresent([String: AttributeValue].self, forKey: .attributes) ?? [:]
        mutable = Set(try c.decodeIfPresent([String].self, forKey: .mutable) ?? [])
        parent = try c.decodeIfPresent(Int.self, forKey: .parent)
        asset = try c.decodeIfPresent(AssetRef.self, forKey: .asset)
    }

    /// Encodes the same JSON object as `init(from:)` reads, with `mutable` sorted so equal nodes
    /// give equal bytes. Throws `EncodingError` for a NaN or infinite number unless the encoder
    /// has a non-conforming-float strategy (`SceneGraph.jsonEncoder()` does not).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(className, forKey: .className)
        try c.encode(attributes, forKey: .attributes)
        try c.encode(mutable.sorted(), forKey: .mutable)  // sorted: deterministic bytes
        try c.encodeIfPresent(parent, forKey: .parent)
        try c.encodeIfPresent(asset, forKey: .asset)
    }
}

/// An attribute value: a number, a string or a boolean. Encodes as the bare JSON value.
public enum AttributeValue: Codable, Equatable, Hashable, Sendable {
    /// A numeric attribute (position, angle, scale...), in the attribute's own unit.
    case number(Double)
    /// A text attribute (e.g. a hex `color` or a `blend` mode), passed to the renderer unchanged.
    case string(String)
    /// A flag attribute, passed to the renderer unchanged.
    case bool(Bool)

    /// Decodes a bare JSON boolean, number or string, tried in that order. Throws `DecodingError`
    /// for anything else (null, array, object).
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    /// Encodes the bare value (no wrapping object). Throws `EncodingError` for a non-finite
    /// number under the default float strategy.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        }
    }
}

/// A reference to one asset in a named store, for example `AssetRef(store: "mnist-train", index: 4021)`.
/// The index is the asset's position in the store (for MNIST, the image's index in the IDX file),
/// so a reference stays valid for as long as the store's files do not change.
public struct AssetRef: Codable, Equatable, Hashable, Sendable {
    /// Name of the asset store (e.g. `"mnist-train"`).
    public var store: String
    /// 0-based position of the asset in the store.
    public var index: Int

    /// A reference to asset `index` of `store`; not checked against any store here.
    public init(store: String, index: Int) {
        self.store = store
        self.index = index
    }
}
