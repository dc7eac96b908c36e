import Scene

/// What stage 1 (and the matching hold, `AttributeHold`) aims the attributes at that G_θ is
/// blind to (`transformer.ignore_attributes`): one value per class and column, the mean of the
/// prior's (shifted) values over a large reference sample, instead of each scene's own value.
///
/// A blind output cannot follow its input, so the reconstruction error's minimum is that mean
/// either way; aiming at each scene's value only adds the batch's sampling noise to the
/// gradient. Measured on driving (batch 64, camera pitch prior U(−4°, 10°)): stage 1 ended with
/// pitch 1.05° where the search had chosen 2.5°. The circular mean for a wrapping attribute: it
/// turns with the start search's turns (the plain mean of turned values does not: a prior
/// uniform over the circle would give 180° at every grid point). An attribute whose prior
/// depends on another's would be better aimed per context; this aims per class only.
///
/// With a spread s > 0 (`DistributionTransformer.blindSpread`) each scene's target is that
/// value plus s times its own prior value's distance from the prior's (unshifted, plain) mean:
/// the prior's spread scaled by s around the chosen value, which is what a blind transformer
/// with that spread can output (its input term is s · (x − ½), the rest is one value per class).
public struct BlindAttributeTargets: Sendable, Equatable {
    /// Encoding column → class index (its one-hot column) → target, normalised units.
    public var values: [Int: [Int: Float]]
    /// Encoding column → class index → the plain mean of the prior's unshifted values, the
    /// centre the spread is measured from.
    public var priorMeans: [Int: [Int: Float]]
    /// The share of the prior's spread each target keeps (0: one value per class).
    public var spread: Float

    /// The means of `reference`'s mutable entries in `columns`, moved by `shifts` (column →
    /// shift) first, per class; `wraps(column)`: whether the column's attribute wraps (then the
    /// circular mean). A class without mutable entries of a column gets no target (its entries
    /// are left as they are).
    /// `spread` (0–1): the share of the prior's spread kept around each target.
    public init(reference: EncodedBatch, columns: Set<Int>, shifts: [Int: AttributeShift], classCount: Int,
                wraps: (Int) -> Bool, spread: Float = 0) {
        var values: [Int: [Int: Float]] = [:], priorMeans: [Int: [Int: Float]] = [:]
        let turns = AttributeRange(min: 0, max: 1, wrap: true)  // a wrapping column, normalised
        for column in columns where column >= classCount && column < reference.width {
            var perClass: [Int: [Double]] = [:], unshifted: [Int: Double] = [:]
            for row in 0..<(reference.graphCount * reference.maxNodes) where reference.mutableMask[row * reference.width + column] != 0 {
                guard let c = reference.classIndex(row: row, classCount: classCount) else { continue }
                var v = reference.features[row * reference.width + column]
                guard v.isFinite else { continue }
                unshifted[c, default: 0] += Double(v)
                if let shift = shifts[column] { v = shift.apply(v) }
                perClass[c, default: []].append(Double(v))
            }
            let circular = wraps(column)
            values[column] = perClass.mapValues { v in
                Float(circular ? circularMean(v, range: turns) : v.reduce(0, +) / Double(v.count))
            }
            priorMeans[column] = unshifted.reduce(into: [:]) { $0[$1.key] = Float($1.value / Double(perClass[$1.key]!.count)) }
        }
        self.values = values
        self.priorMeans = priorMeans
        self.spread = spread
    }

    /// `features` (a batch's encoded features, rows of `batch.width`) with the mutable entries
    /// of the targeted columns set to their class's target, plus `spread` times the entry's
    /// unshifted value's distance from the class's prior mean (`batch.features`). Not wrapped
    /// or clamped: it is compared with the transformer's output, which is not either.
    func apply(to features: inout [Float], batch: EncodedBatch, classCount: Int) {
        guard !values.isEmpty else { return }
        for row in 0..<(batch.graphCount * batch.maxNodes) {
            guard let c = batch.classIndex(row: row, classCount: classCount) else { continue }
            for (column, targets) in values where batch.mutableMask[row * batch.width + column] != 0 {
                guard let target = targets[c] else { continue }
                let i = row * batch.width + column
                features[i] = spread > 0 ? target + spread * (batch.features[i] - (priorMeans[column]?[c] ?? target)) : target
            }
        }
    }
}

extension EncodedBatch {
    /// The class of node row `row` (its one-hot column among the first `classCount`; 0 when
    /// the encoding has no class columns), nil for padding rows and nodes of classes outside
    /// the schema (with class columns).
    func classIndex(row: Int, classCount: Int) -> Int? {
        if classCount == 0 { return nodeMask[row] != 0 ? 0 : nil }
        let start = row * width
        return (0..<classCount).first { features[start + $0] == 1 }
    }
}

extension EncodedBatch {
    /// Stage 1's target for this batch: the features with `shifts` applied (column → shift)
    /// and, with `blind`, the blind attributes' entries set to their targets.
    func reconstructionTarget(shifts: [Int: AttributeShift], blind: BlindAttributeTargets?, classCount: Int) -> [Float] {
        var target = features(shiftedBy: shifts)
        blind?.apply(to: &target, batch: self, classCount: classCount)
        return target
    }
}
