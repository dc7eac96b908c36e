import Foundation
import Scene

/// Mean of each attribute in `names` over a set of scene graphs, in the attribute's own units:
/// what a person checks to see what a generator learned (for MNIST rotation: the mean yaw).
///
/// A node counts when it holds the attribute as a finite number, its rule encodes it in
/// `schema`, and — with `onlyMutableNodes` — the node marks it mutable (generated data); target
/// graphs from another grammar mark nothing mutable, so pass `false` for them. Wrapping
/// attributes (angles) use the circular mean, mapped into their range, so yaws of 359° and 1°
/// average to 0°, not 180°. Attributes no node holds are absent from the result.
public func attributeMeans(_ graphs: [SceneGraph], schema: EncodingSchema, names: Set<String>,
                           onlyMutableNodes: Bool = true) -> [String: Double] {
    var result: [String: Double] = [:]
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
        guard let range, !values.isEmpty else { continue }
        if range.wrap {
            let span = range.max - range.min
            let angles = values.map { ($0 - range.min) / span * 2 * Double.pi }
            let s = angles.map(sin).reduce(0, +), c = angles.map(cos).reduce(0, +)
            result[attribute.name] = range.fit(range.min + atan2(s, c) / (2 * Double.pi) * span)
        } else {
            result[attribute.name] = values.reduce(0, +) / Double(values.count)
        }
    }
    return result
}
