import Assets
import Scene

/// Which file format a grammar was read from.
public enum GrammarFormat: String, Codable, Sendable {
    /// MetaSim's own YAML/JSON format (see README.md).
    case metasim
    /// The original Meta-Sim JSON tree (`class`, `attributes`, `num_child`, `child`).
    case original
}

/// How a node's class is chosen.
public enum ClassDistribution: Equatable, Sendable {
    /// Always this class.
    case fixed(String)
    /// One of `values`, with probabilities proportional to the increments of `cumulative`.
    case categorical(values: [String], cumulative: [Double])

    /// Every class this distribution can produce, in declaration order.
    public var classes: [String] {
        switch self {
        case .fixed(let c): return [c]
        case .categorical(let values, _): return values
        }
    }
}

/// How an attribute value is drawn.
public enum AttributeDistribution: Equatable, Sendable {
    /// Always this value.
    case constant(AttributeValue)
    /// A real number drawn uniformly from [min, max) (exactly `min` when the bounds are equal).
    case uniform(min: Double, max: Double)
    /// Normal; truncated to `lower...upper` when both are set.
    case gaussian(mean: Double, std: Double, lower: Double?, upper: Double?)
    /// A whole number drawn uniformly from min...max, both ends included (stored as a number).
    case integerUniform(min: Int, max: Int)
    /// One of `values`, with probabilities proportional to the increments of `cumulative`
    /// (non-decreasing, same length as `values`).
    case categorical(values: [AttributeValue], cumulative: [Double])
}

/// How many times a child rule is repeated.
public enum CountDistribution: Equatable, Sendable {
    /// Always exactly this many.
    case fixed(Int)
    /// Drawn uniformly from min...max, both ends included.
    case integerUniform(min: Int, max: Int)
    /// Poisson with mean `lambda` (0 when `lambda <= 0`), never more than `cap`.
    case poisson(lambda: Double, cap: Int)
    /// One of `values`, with probabilities proportional to the increments of `cumulative`;
    /// values whose increment is zero are never drawn.
    case categorical(values: [Int], cumulative: [Double])

    /// The smallest count this can produce.
    public var minimum: Int {
        switch self {
        case .fixed(let n): return n
        case .integerUniform(let lo, _): return lo
        case .poisson: return 0
        case .categorical(let values, let cumulative):
            // values with zero weight are never drawn
            var previous = 0.0, best = Int.max
            for (v, c) in zip(values, cumulative) { if c > previous { best = min(best, v) }; previous = c }
            return best == Int.max ? 0 : best
        }
    }
}

/// One attribute of a node rule.
public struct AttributeRule: Equatable, Sendable {
    /// Attribute name as written in the grammar (also its key in the sampled node).
    public var name: String
    /// How the raw value is drawn, before fitting into `range`.
    public var distribution: AttributeDistribution
    /// Declared range: encodes the attribute (normalised by it); sampled numbers are fitted
    /// into it (wrapped or clamped, see `AttributeRange.fit`). Nil: not encoded, passed through.
    public var range: AttributeRange?
    /// Whether the learned model may change it (only for attributes with a range).
    public var mutable: Bool

    /// Makes a rule; nothing is validated here (the parsers check ranges and mutability).
    public init(name: String, distribution: AttributeDistribution, range: AttributeRange? = nil, mutable: Bool = false) {
        self.name = name
        self.distribution = distribution
        self.range = range
        self.mutable = mutable
    }
}

/// Which asset a node draws: one chosen uniformly at random from `store` among the assets of
/// the node's own class (`className == nil`) or of a fixed class.
public struct AssetRule: Equatable, Sendable {
    /// Name of an asset store declared by the grammar.
    public var store: String
    /// Class whose assets are used; nil means the node's own sampled class.
    public var className: String?

    /// Makes a rule drawing from `store`, restricted to `className` (nil: the node's class).
    public init(store: String, className: String? = nil) {
        self.store = store
        self.className = className
    }
}

/// A child entry of a node rule: rule `rule`, repeated `count` times.
public struct ChildRule: Equatable, Sendable {
    /// Name of the node rule each copy is expanded from.
    public var rule: String
    /// How many copies are made (drawn once per parent node).
    public var count: CountDistribution

    /// Makes a child entry; the default count is exactly one.
    public init(rule: String, count: CountDistribution = .fixed(1)) {
        self.rule = rule
        self.count = count
    }
}

/// A node rule: what one kind of node looks like and which children it has.
public struct NodeRule: Equatable, Sendable {
    /// Rule name (its key in `Grammar.rules`).
    public var name: String
    /// How the class label of each node made from this rule is chosen.
    public var className: ClassDistribution
    /// Sorted by name, so sampling order (and thus every draw) never depends on file order.
    public var attributes: [AttributeRule] { didSet { layout = SampledAttributes(attributes) } }
    /// `attributes` laid out as a sampled node holds them (rebuilt when they change).
    var layout: SampledAttributes
    /// Which asset the node draws; nil when it draws none.
    public var asset: AssetRule?
    /// Child entries, expanded in this order.
    public var children: [ChildRule]

    /// Makes a rule; `attributes` are sorted by name here so that draws never depend on file order.
    public init(name: String, className: ClassDistribution, attributes: [AttributeRule] = [],
                asset: AssetRule? = nil, children: [ChildRule] = []) {
        self.name = name
        self.className = className
        self.attributes = attributes.sorted { $0.name < $1.name }
        layout = SampledAttributes(self.attributes)
        self.asset = asset
        self.children = children
    }
}

/// A node rule's attributes as every node sampled from it holds them, made once per rule so
/// that sampling a node hashes no names: a dictionary with every attribute's name (the values
/// are placeholders, each overwritten by the node's draw), the slot of each rule attribute in
/// it, and the set of mutable names (shared by the rule's nodes until one changes it).
struct SampledAttributes: Equatable, Sendable {
    /// Every attribute name of the rule; the values are placeholders.
    let values: [String: AttributeValue]
    /// `slots[i]`: where `attributes[i]`'s value goes in a copy of `values`. A name given twice
    /// has one slot, so the later attribute's value wins, as assigning by name would give.
    let slots: [Dictionary<String, AttributeValue>.Index]
    /// The names of the mutable attributes.
    let mutable: Set<String>

    init(_ attributes: [AttributeRule]) {
        var values: [String: AttributeValue] = [:]
        for attribute in attributes { values[attribute.name] = .bool(false) }
        self.values = values
        slots = attributes.map { values.index(forKey: $0.name)! }
        mutable = Set(attributes.filter(\.mutable).map(\.name))
    }

    /// The name at each slot, in rule order.
    var slotNames: [String] { slots.map { values.keys[$0] } }

    /// Equal when they hold the same names in the same slots order and the same mutable names.
    /// (Indices of two dictionaries must not be compared: Swift traps on that, and two loads
    /// of one rule build two dictionaries.)
    static func == (lhs: SampledAttributes, rhs: SampledAttributes) -> Bool {
        lhs.mutable == rhs.mutable && lhs.slotNames == rhs.slotNames
    }
}

/// A probabilistic scene grammar: node rules from `root`, global canvas, asset stores, and the
/// encoding schema of the scene graphs it samples. Build one with `Grammar.load(path:)` or
/// `Grammar.parse(text:file:)`; sample with `sample(seed:index:assets:)`.
public struct Grammar: Sendable {
    /// The file it came from, as given (used in error messages).
    public var file: String
    /// Which file format it was read from.
    public var format: GrammarFormat
    /// Size and channel count of the images its scenes render to.
    public var canvas: Canvas
    /// Name of the rule that every sampled graph starts from (a key of `rules`).
    public var root: String
    /// Every node rule, keyed by name (rules not reachable from `root` are kept but never used).
    public var rules: [String: NodeRule]
    /// Nodes deeper than this (root = depth 0) are not expanded. Required for recursive rules.
    public var maxDepth: Int
    /// Asset stores the grammar names, with where they come from (and the classes they offer).
    public var assetSources: [String: any AssetSource]
    /// What sampled graphs encode to.
    public var schema: EncodingSchema
    /// Extra top-level settings passed through (original format: `num_samples`, `output_dir`,
    /// `dataset`).
    public var settings: [String: AttributeValue]

    /// Assembles a grammar from parts without checking them; the loaders validate what they build.
    public init(file: String, format: GrammarFormat, canvas: Canvas, root: String, rules: [String: NodeRule],
                maxDepth: Int, assetSources: [String: any AssetSource], schema: EncodingSchema,
                settings: [String: AttributeValue] = [:]) {
        self.file = file
        self.format = format
        self.canvas = canvas
        self.root = root
        self.rules = rules
        self.maxDepth = maxDepth
        self.assetSources = assetSources
        self.schema = schema
        self.settings = settings
    }

    /// A registry that knows every store this grammar declares (share it with the renderer).
    public func assetRegistry() -> AssetRegistry {
        AssetRegistry(sources: assetSources)
    }

    /// Rules reachable from the root, in pre-order of first visit (children in order).
    /// Iterative (an explicit stack), so a long chain of rules cannot overflow the call stack.
    public var reachableRules: [String] {
        var seen: Set<String> = [], order: [String] = []
        var pending = [root]
        while let name = pending.popLast() {
            guard !seen.contains(name), let rule = rules[name] else { continue }
            seen.insert(name); order.append(name)
            pending.append(contentsOf: rule.children.reversed().map(\.rule))
        }
        return order
    }
}
