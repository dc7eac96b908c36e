import Assets
import Diagnostics
import Foundation
import Parallel
import Scene

extension Grammar {
    /// The random stream grammar sampling draws from (see `RandomSource(seed:stream:index:)`).
    public static let samplingStream: UInt64 = 0
    /// A sampled graph larger than this is an error (a grammar that explodes).
    public static let maxNodes = 100_000
    /// A grammar file with more rules than this is refused (MetaSim format): checks walk the
    /// rules, and no scene needs more.
    public static let maxRules = 10_000

    /// Samples scene graph `index` of the run seeded with `seed`. The result depends only on
    /// the grammar, `seed` and `index`. Nodes come in pre-order, children in rule order.
    ///
    /// Attributes are drawn in name order; numbers with a range are fitted into it (wrapped or
    /// clamped). A node with an asset rule gets an asset of its class drawn uniformly from the
    /// store. Children deeper than `maxDepth` are not expanded.
    /// Throws `InputError` when an asset store cannot be loaded or lacks the class, or when
    /// the graph grows past `Grammar.maxNodes`.
    public func sample(seed: UInt64, index: Int, assets: AssetRegistry) throws -> SceneGraph {
        var rng = RandomSource(seed: seed, stream: Grammar.samplingStream, index: index)
        var graph = SceneGraph()
        try expand(root, parent: nil, depth: 0, &rng, &graph, assets)
        return graph
    }

    /// Samples graphs `range` of the run seeded with `seed`, in parallel, in index order.
    /// Byte-identical to sampling each index alone, whatever the thread count.
    /// Throws the first error (by index) when any sample fails.
    public func sample(seed: UInt64, range: Range<Int>, assets: AssetRegistry) throws -> [SceneGraph] {
        try parallelMap(range.count) { try self.sample(seed: seed, index: range.lowerBound + $0, assets: assets) }
    }

    /// Convenience: `sample(seed:index:assets:)` with this grammar's own asset registry
    /// (stores are cached process-wide, so this reloads nothing).
    public func sample(seed: UInt64, index: Int) throws -> SceneGraph {
        try sample(seed: seed, index: index, assets: assetRegistry())
    }

    /// Convenience: `sample(seed:range:assets:)` with this grammar's own asset registry.
    public func sample(seed: UInt64, range: Range<Int>) throws -> [SceneGraph] {
        try sample(seed: seed, range: range, assets: assetRegistry())
    }

    private func expand(_ ruleName: String, parent: Int?, depth: Int, _ rng: inout RandomSource,
                        _ graph: inout SceneGraph, _ assets: AssetRegistry) throws {
        guard let rule = rules[ruleName] else { return }
        guard graph.nodes.count < Grammar.maxNodes else {
            throw InputError(file: file, path: fieldPath(ruleName), message: "a sampled scene has more than \(Grammar.maxNodes) nodes; lower the child counts or max_depth")
        }
        let className: String
        switch rule.className {
        case .fixed(let c): className = c
        case .categorical(let values, let cumulative): className = values[rng.categoricalIndex(cumulative: cumulative)]
        }
        var values = rule.layout.values
        for (attribute, slot) in zip(rule.attributes, rule.layout.slots) {
            values.values[slot] = draw(attribute, &rng)
        }
        var node = SceneNode(rule: ruleName, className: className, attributes: values, mutable: rule.layout.mutable)
        if let assetRule = rule.asset {
            let store = try assets.store(named: assetRule.store)
            let assetClass = assetRule.className ?? className
            let available = store.count(ofClass: assetClass)
            guard available > 0 else {
                throw InputError(file: file, path: fieldPath(ruleName, ".asset"), message: "store '\(assetRule.store)' has no asset of class '\(assetClass)' (\(GrammarChecks.describeClasses(store.classes)))")
            }
            node.asset = AssetRef(store: assetRule.store, index: store.index(ofClass: assetClass, rng.below(available)))
        }
        let index = graph.add(node, parent: parent)
        guard depth < maxDepth else { return }
        for child in rule.children {
            let n = count(child.count, &rng)
            for _ in 0..<n { try expand(child.rule, parent: index, depth: depth + 1, &rng, &graph, assets) }
        }
    }

    /// Where rule `name` sits in the file, for error messages (`rules.NAME` in MetaSim's
    /// format; the original format's rules have no names of their own, so none).
    private func fieldPath(_ name: String, _ suffix: String = "") -> String {
        format == .metasim ? "rules.\(name)\(suffix)" : ""
    }

    /// A value of `attribute`: drawn from its distribution, a number fitted into its range.
    func draw(_ attribute: AttributeRule, _ rng: inout RandomSource) -> AttributeValue {
        let value = draw(attribute.distribution, &rng)
        if let range = attribute.range, case .number(let x) = value { return .number(range.fit(x)) }
        return value
    }

    private func draw(_ distribution: AttributeDistribution, _ rng: inout RandomSource) -> AttributeValue {
        switch distribution {
        case .constant(let v): return v
        case .uniform(let lo, let hi): return .number(rng.uniform(lo, hi))
        case .gaussian(let mean, let std, let lower, let upper):
            if let lower, let upper { return .number(rng.truncatedGaussian(mean: mean, std: std, lower: lower, upper: upper)) }
            return .number(rng.gaussian(mean: mean, std: std))
        case .integerUniform(let lo, let hi): return .number(Double(rng.integer(in: lo...hi)))
        case .categorical(let values, let cumulative): return values[rng.categoricalIndex(cumulative: cumulative)]
        }
    }

    private func count(_ distribution: CountDistribution, _ rng: inout RandomSource) -> Int {
        switch distribution {
        case .fixed(let n): return n
        case .integerUniform(let lo, let hi): return rng.integer(in: lo...hi)
        case .poisson(let lambda, let cap): return rng.poisson(lambda: lambda, cap: cap)
        case .categorical(let values, let cumulative): return values[rng.categoricalIndex(cumulative: cumulative)]
        }
    }
}

