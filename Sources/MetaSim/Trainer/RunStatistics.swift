import Codecs
import Foundation
import Render
import Scene
import Tensor

extension MetaSimTrainer {
    /// Images per set for the final KIDs (fewer when the run has fewer).
    static let kidImageCount = 200

    /// KID (`kernelInceptionDistance`) between φ of the first `kidImageCount` of `images` and φ
    /// of as many target images; nil when either side has fewer than 2.
    func kid(_ images: [Image]) -> (value: Double, images: Int)? {
        let count = min(Self.kidImageCount, images.count, target.images.shape[0])
        guard count >= 2 else { return nil }
        let generated = features.features(of: tensor(Array(images.prefix(count))))
        let reference = features.features(of: target.images.slice(axis: 0, 0..<count))
        let d = generated.shape[1]
        return (kernelInceptionDistance(generated.data, countX: count, reference.data, countY: count, dimension: d), count)
    }

    /// Records the histograms and quantiles of the mutable attributes after matching epoch
    /// `epoch` (`"stage": "histograms"`, `"histograms": {"prior"|"learned"|"target": {NAME:
    /// histogram}}`, `"quantiles": {"prior"|"learned"|"target": {NAME: [q05, q25, q50, q75, q95]}}`
    /// at `quantile_levels`):
    /// `learned` (the epoch's sample graphs), the same prior samples before the transformer
    /// (`seed`, indices from 0), and the target's graphs when it was rendered from a grammar.
    func recordHistograms(epoch: Int, learned: [SceneGraph], seed: UInt64) throws {
        let names = Set(grammar.mutableAttributeNames)
        let prior = try grammar.sample(seed: seed, range: 0..<learned.count, assets: assets)
        var sets: [String: Any] = [
            "prior": attributeHistograms(prior, schema: grammar.schema, names: names).mapValues(\.record),
            "learned": attributeHistograms(learned, schema: grammar.schema, names: names).mapValues(\.record),
        ]
        var quantiles: [String: Any] = ["prior": attributeQuantiles(of: prior), "learned": attributeQuantiles(of: learned)]
        if !target.graphs.isEmpty {
            sets["target"] = attributeHistograms(target.graphs, schema: grammar.schema, names: names,
                                                 onlyMutableNodes: false).mapValues(\.record)
            quantiles["target"] = attributeQuantiles(of: target.graphs, onlyMutableNodes: false)
        }
        try record(["stage": "histograms", "epoch": epoch, "histograms": sets, "quantiles": quantiles,
                    "quantile_levels": attributeQuantileLevels, "seconds": seconds])
    }
}
