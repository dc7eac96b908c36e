import Scene

/// Paired sampling: scenes of one grammar with the mutable attributes of another. When two
/// grammars differ only in how their mutable attributes are drawn, a sample of the first with
/// its mutable attributes drawn afresh from the second is distributed as the second's own
/// samples — and shares its structure (nodes, counts, classes, assets, immutable attributes)
/// with the first's sample, so that data sets made both ways differ only in what a learned
/// model may change (common random numbers: a comparison between them loses the sampling
/// noise of the structure).
extension Grammar {
    /// The random stream `redrawingMutableAttributes` draws from (sampling draws from
    /// `samplingStream`), so redrawn values are independent of the structure they go into.
    public static let redrawStream: UInt64 = 1

    /// Where this grammar differs from `other` other than in the distributions of mutable
    /// attributes, as (field path in this grammar's file, what differs); nil when it does not.
    /// Compared: canvas, renderer, root, `max_depth`, asset stores, and every rule
    /// reachable from the root — its class distribution, asset rule, children and their counts,
    /// and its attributes' names, ranges and mutability, and the distributions of its
    /// immutable attributes. When nil, `redrawingMutableAttributes` applied to `other`'s samples
    /// gives samples distributed as this grammar's: the structure is drawn alike, and every
    /// attribute is drawn independently of the structure and of the other attributes.
    public func differenceOutsideMutableDraws(from other: Grammar) -> (path: String, message: String)? {
        let there = "in '\(other.file)'"
        if canvas != other.canvas { return ("canvas", "the canvas differs from the one \(there)") }
        if settings["renderer"] != other.settings["renderer"] { return ("renderer", "the renderer differs from the one \(there)") }
        if root != other.root { return ("root", "the root rule '\(root)' is '\(other.root)' \(there)") }
        if maxDepth != other.maxDepth { return ("max_depth", "max_depth \(maxDepth) is \(other.maxDepth) \(there)") }
        if !sameAssetSources(other) { return ("stores", "the asset stores differ from those \(there)") }
        let mine = reachableRules, theirs = other.reachableRules
        if mine != theirs { return ("rules", "the rules reachable from the root (\(mine.joined(separator: ", "))) are (\(theirs.joined(separator: ", "))) \(there)") }
        for name in mine {
            let rule = rules[name]!, otherRule = other.rules[name]!
            let path = format == .metasim ? "rules.\(name)" : ""
            if rule.className != otherRule.className { return (path + ".class", "rule '\(name)': the class is drawn otherwise \(there)") }
            if rule.asset != otherRule.asset { return (path + ".asset", "rule '\(name)': the asset rule differs \(there)") }
            if rule.children != otherRule.children { return (path + ".children", "rule '\(name)': the children or their counts differ \(there)") }
            if rule.attributes.map(\.name) != otherRule.attributes.map(\.name) {
                return (path + ".attributes", "rule '\(name)': the attribute names differ \(there)")
            }
            for (attribute, otherAttribute) in zip(rule.attributes, otherRule.attributes) {
                let field = path + ".attributes.\(attribute.name)"
                if attribute.range != otherAttribute.range || attribute.mutable != otherAttribute.mutable {
                    return (field, "rule '\(name)', attribute '\(attribute.name)': the range or mutability differs \(there)")
                }
                if !attribute.mutable && attribute.distribution != otherAttribute.distribution {
                    return (field, "rule '\(name)', attribute '\(attribute.name)' is immutable but drawn otherwise \(there)")
                }
            }
        }
        return nil
    }

    /// `graph` with every node's mutable attributes drawn afresh from this grammar's rule of
    /// the node's `rule` name (fitted into their ranges), node by node in order, attributes in
    /// the rule's (name) order, from stream `redrawStream` of `seed` and `index`. Everything
    /// else — and nodes whose rule this grammar lacks — is kept. Depends only on the grammar,
    /// `graph`, `seed` and `index`. Meant for graphs of a grammar with no
    /// `differenceOutsideMutableDraws` from this one (see there).
    public func redrawingMutableAttributes(of graph: SceneGraph, seed: UInt64, index: Int) -> SceneGraph {
        var rng = RandomSource(seed: seed, stream: Grammar.redrawStream, index: index)
        var result = graph
        for i in result.nodes.indices {
            guard let rule = rules[result.nodes[i].rule] else { continue }
            for attribute in rule.attributes where attribute.mutable {
                result.nodes[i].attributes[attribute.name] = draw(attribute, &rng)
            }
        }
        return result
    }

    /// Whether both grammars declare the same asset stores (names, and sources that compare
    /// equal).
    private func sameAssetSources(_ other: Grammar) -> Bool {
        guard Set(assetSources.keys) == Set(other.assetSources.keys) else { return false }
        return assetSources.allSatisfy { name, source in
            guard let a = source as? AnyHashable, let b = other.assetSources[name] as? AnyHashable else { return false }
            return a == b
        }
    }
}
