import Foundation
import Scene

/// The values of each attribute in `names` over a set of scene graphs, in the attribute's own
/// units, with the range they are encoded by (the schema's range for the last node read).
///
/// A node counts when it holds the attribute as a finite number, its rule encodes it in
/// `schema`, and — with `onlyMutableNodes` — the node marks it mutable (generated data); target
/// graphs from another grammar mark nothing mutable, so pass `false` for them. Attributes no
/// node holds are absent from the result.
public func attributeValues(_ graphs: [SceneGraph], schema: EncodingSchema, names: Set<String>,
                            onlyMutableNodes: Bool = true) -> [String: (values: [Double], range: AttributeRange)] {
    var result: [String: (values: [Double], range: AttributeRange)] = [:]
    for attribute in schema.attributes where names.contains(attribute.name) {
        var values: [Double] = []
        var range: AttributeRange?
        for graph in graphs {
            for node in graph.nodes where !onlyMutableNodes || node.mutable.contains(attribute.name) {
                guard let v = node.number(attribute.name), v.isFinite, let r = attribute.range(forRule: node.rule) else { continue }
                values.append(v)
                range = r
            }
        }
        if let range, !values.isEmpty { result[attribute.name] = (values, range) }
    }
    return result
}

/// Mean of each attribute in `names` over a set of scene graphs, in the attribute's own units:
/// what a person checks to see what a generator learned (for MNIST rotation: the mean yaw).
/// Nodes count as in `attributeValues`. Wrapping attributes (angles) use the circular mean,
/// mapped into their range, so yaws of 359° and 1° average to 0°, not 180°.
public func attributeMeans(_ graphs: [SceneGraph], schema: EncodingSchema, names: Set<String>,
                           onlyMutableNodes: Bool = true) -> [String: Double] {
    attributeValues(graphs, schema: schema, names: names, onlyMutableNodes: onlyMutableNodes).mapValues { values, range in
        range.wrap ? circularMean(values, range: range) : values.reduce(0, +) / Double(values.count)
    }
}

/// The quantile levels reported for every attribute: 5, 25, 50, 75 and 95 %.
public let attributeQuantileLevels: [Double] = [0.05, 0.25, 0.5, 0.75, 0.95]

/// Quantiles at `levels` (fractions in [0, 1], ascending) of each attribute in `names`, in the
/// attribute's own units; nodes count as in `attributeValues`. Linear interpolation between
/// order statistics (Hyndman & Fan 1996, type 7: NumPy's default). A wrapping attribute is
/// first unwrapped onto the span centred on its circular mean (so yaws of 359° and 1° have a
/// median of 0°, and a 5 % quantile of 359° = −1° when the range is [−180, 180)), and each
/// quantile is wrapped back into the range: for angles, read quantiles in order around the
/// circle from the circular mean.
public func attributeQuantiles(_ graphs: [SceneGraph], schema: EncodingSchema, names: Set<String>,
                               onlyMutableNodes: Bool = true, levels: [Double] = attributeQuantileLevels) -> [String: [Double]] {
    attributeValues(graphs, schema: schema, names: names, onlyMutableNodes: onlyMutableNodes).mapValues { values, range in
        guard range.wrap else { return quantiles(values, levels: levels) }
        let span = range.max - range.min, centre = circularMean(values, range: range)
        let unwrapped = values.map { v -> Double in
            let offset = (v - centre) - span * ((v - centre) / span).rounded()  // in [−span/2, span/2]
            return centre + offset
        }
        return quantiles(unwrapped, levels: levels).map(range.fit)
    }
}

/// Type-7 quantiles of `values` (non-empty) at `levels` in [0, 1].
func quantiles(_ values: [Double], levels: [Double]) -> [Double] {
    let sorted = values.sorted()
    return levels.map { p in
        let h = Double(sorted.count - 1) * Swift.min(Swift.max(p, 0), 1)
        let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}

/// Circular mean of `values` (non-empty) of a wrapping `range`, fitted into it.
func circularMean(_ values: [Double], range: AttributeRange) -> Double {
    let span = range.max - range.min
    let angles = values.map { ($0 - range.min) / span * 2 * Double.pi }
    let s = angles.map(sin).reduce(0, +), c = angles.map(cos).reduce(0, +)
    return range.fit(range.min + atan2(s, c) / (2 * Double.pi) * span)
}
