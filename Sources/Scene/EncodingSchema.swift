import Foundation

/// The range an encoded attribute is normalised by, and whether it wraps (angles).
///
/// Encoding maps `min...max` to `0...1`. A wrapping attribute is first reduced modulo
/// `max - min` into `[min, max)`; any other value outside the range is clamped to it.
public struct AttributeRange: Codable, Equatable, Hashable, Sendable {
    /// Value mapped to 0, in the attribute's own unit (pixels, degrees, scale factor...).
    public var min: Double
    /// Value mapped to 1, same unit as `min`; always greater than `min` when built with `init`.
    public var max: Double
    /// True for periodic attributes such as angles: out-of-range values wrap instead of clamping.
    public var wrap: Bool

    /// Precondition: `min < max` (grammar validation guarantees it).
    public init(min: Double, max: Double, wrap: Bool = false) {
        precondition(min < max, "AttributeRange: min \(min) must be below max \(max)")
        self.min = min
        self.max = max
        self.wrap = wrap
    }

    /// `value` brought into the range: wrapped into `[min, max)` when `wrap`, else clamped.
    /// NaN stays NaN; infinities wrap to NaN and clamp to the nearest bound. Wrapping stays in
    /// `[min, max)` for values of any magnitude (the remainder is taken exactly, `fmod`, not by
    /// subtracting a rounded multiple of the span).
    public func fit(_ value: Double) -> Double {
        if wrap {
            guard value.isFinite else { return .nan }
            if value >= min && value < max { return value }
            let span = max - min
            guard span.isFinite else { return Swift.min(Swift.max(value, min), max.nextDown) }
            // value − min ≡ fmod(value, span) − fmod(min, span) (mod span); each fmod is exact.
            var offset = Foundation.fmod(value, span) - Foundation.fmod(min, span)
            if offset < 0 { offset += span }
            if offset >= span { offset -= span }
            let r = min + offset
            return r >= max || r < min ? min : r  // rounding at the edges
        }
        return Swift.min(Swift.max(value, min), max)
    }

    /// `value` fitted into the range, then mapped to [0, 1]. NaN stays NaN.
    public func normalise(_ value: Double) -> Double {
        (fit(value) - min) / (max - min)
    }

    /// The inverse of `normalise`: `unit` mapped back to the range, then fitted (wrapped or
    /// clamped), so outputs outside [0, 1] never leave the declared range. NaN stays NaN.
    public func denormalise(_ unit: Double) -> Double {
        fit(min + unit * (max - min))
    }
}

/// One encoded attribute: its name, its default range, and per-rule ranges where a grammar
/// rule declares a different one (the original Meta-Sim format gives each node its own `max`).
public struct EncodedAttribute: Codable, Equatable, Sendable {
    /// Attribute name as used in `SceneNode.attributes` (e.g. `"rotation"`).
    public var name: String
    /// The range used for nodes of rules not listed in `ruleRanges` or `unencodedRules`.
    public var range: AttributeRange
    /// Ranges that differ from `range`, by rule name (`SceneNode.rule`).
    public var ruleRanges: [String: AttributeRange]
    /// Rules whose nodes carry this attribute without a range (passed through, not encoded).
    public var unencodedRules: Set<String>

    /// Memberwise initialiser: no per-rule overrides by default, every rule encoded.
    public init(name: String, range: AttributeRange, ruleRanges: [String: AttributeRange] = [:],
                unencodedRules: Set<String> = []) {
        self.name = name
        self.range = range
        self.ruleRanges = ruleRanges
        self.unencodedRules = unencodedRules
    }

    /// The range that applies to nodes made by `rule`, or nil when that rule's nodes do not
    /// encode this attribute.
    public func range(forRule rule: String) -> AttributeRange? {
        unencodedRules.contains(rule) ? nil : (ruleRanges[rule] ?? range)
    }
}

/// What a grammar's scene graphs encode to, per node: a one-hot over `classes`, then one column
/// per entry of `attributes`. Grammars produce it (`Grammar.schema`); `SceneEncoder` uses it.
///
/// `classes` may be empty (the original format without `"class"` in `features`): then no
/// one-hot columns. A node whose class is not listed gets an all-zero one-hot.
public struct EncodingSchema: Codable, Equatable, Sendable {
    /// Class names in one-hot column order (columns 0..<classes.count); may be empty.
    public var classes: [String]
    /// Encoded attributes in column order, after the class columns.
    public var attributes: [EncodedAttribute]

    /// Memberwise initialiser; duplicate names are not checked (the first one wins in lookups).
    public init(classes: [String], attributes: [EncodedAttribute]) {
        self.classes = classes
        self.attributes = attributes
    }

    /// Columns per node: `classes.count + attributes.count`.
    public var width: Int { classes.count + attributes.count }

    /// Column names: `class=NAME` for the one-hot part, then the attribute names.
    public var featureNames: [String] {
        classes.map { "class=\($0)" } + attributes.map(\.name)
    }

    /// The column of attribute `name`, or nil when it is not encoded.
    public func column(ofAttribute name: String) -> Int? {
        attributes.firstIndex { $0.name == name }.map { classes.count + $0 }
    }
}
