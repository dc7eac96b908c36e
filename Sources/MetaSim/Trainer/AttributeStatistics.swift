import Foundation
import Scene

/// Mean of each mutable attribute over a set of scene graphs, in the attribute's own units:
/// what a person checks to see what the generator learned (for MNIST rotation: the mean yaw).
///
/// Wrapping attributes (angles) use the circular mean, mapped into their range, so yaws of
/// 359° and 1° average to 0°, not 180°. Attributes no graph holds are absent.
public func mutableAttributeMeans(_ graphs: [SceneGraph], schema: EncodingSchema) -> [String: Double] {
    var result: [String: Double] = [:]
    for attribute in schema.attributes {
        var values: [Double] = []
        var range: AttributeRange?
        for graph in graphs {
            for node in graph.nodes where node.mutable.contains(attribute.name) {
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
