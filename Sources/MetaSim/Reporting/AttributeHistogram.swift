import Foundation
import Scene

/// Counts of one attribute's values in equal-width bins over its encoded range: what a person
/// compares between prior, learned and target data (and what TensorBoard and the run report
/// draw).
///
/// Values are in the attribute's own units. A value outside `[min, max]` goes to the first or
/// last bin; a non-finite value is skipped.
public struct AttributeHistogram: Equatable, Sendable {
    /// Lower edge of the first bin.
    public var min: Double
    /// Upper edge of the last bin (greater than `min`).
    public var max: Double
    /// Values per bin; bin `i` covers `[min + i·w, min + (i+1)·w)` with `w = (max − min) / counts.count`.
    public var counts: [Int]

    /// Bins `values` into `bins` (≥ 1) bins over `[min, max]` (`min < max`, checked by precondition).
    public init(values: [Double], min: Double, max: Double, bins: Int) {
        precondition(bins >= 1 && min < max, "AttributeHistogram: needs bins ≥ 1 and min < max")
        self.min = min
        self.max = max
        var counts = [Int](repeating: 0, count: bins)
        for v in values where v.isFinite {
            let i = Int(((v - min) / (max - min) * Double(bins)).rounded(.down))
            counts[Swift.min(bins - 1, Swift.max(0, i))] += 1
        }
        self.counts = counts
    }

    /// Upper edge of each bin.
    public var upperEdges: [Double] {
        (1...counts.count).map { min + (max - min) * Double($0) / Double(counts.count) }
    }

    /// As a metrics value: `{"min": …, "max": …, "counts": […]}`.
    public var record: [String: Any] { ["min": min, "max": max, "counts": counts] }

    /// Reads `record`'s form back; nil when a field is missing or malformed.
    public init?(record: Any?) {
        guard let d = record as? [String: Any], let lo = (d["min"] as? NSNumber)?.doubleValue,
              let hi = (d["max"] as? NSNumber)?.doubleValue, lo < hi,
              let raw = d["counts"] as? [Any], !raw.isEmpty else { return nil }
        let counts = raw.compactMap { ($0 as? NSNumber)?.intValue }
        guard counts.count == raw.count else { return nil }
        min = lo
        max = hi
        self.counts = counts
    }
}

/// Histograms of each attribute in `names` over `graphs`, binned over the schema's default range
/// for that attribute (attributes no node holds are absent). Nodes count as in
/// `attributeMeans`: with `onlyMutableNodes`, only nodes that mark the attribute mutable. The
/// default 25 bins is odd on purpose: a range's centre (often a prior's constant, such as an
/// MNIST digit at 16 px of 32) then falls mid-bin, not on an edge where ±0.01 px would split it.
public func attributeHistograms(_ graphs: [SceneGraph], schema: EncodingSchema, names: Set<String>,
                                onlyMutableNodes: Bool = true, bins: Int = 25) -> [String: AttributeHistogram] {
    var result: [String: AttributeHistogram] = [:]
    for (name, found) in attributeValues(graphs, schema: schema, names: names, onlyMutableNodes: onlyMutableNodes) {
        guard let range = schema.attributes.first(where: { $0.name == name })?.range else { continue }
        result[name] = AttributeHistogram(values: found.values, min: range.min, max: range.max, bins: bins)
    }
    return result
}
