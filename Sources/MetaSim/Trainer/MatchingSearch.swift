import Foundation
import Scene
import Tensor

// Window searches between matching epochs (`StartSearchSettings.afterEpoch`). A start search
// scores its grid on the prior's scenes, before anything is learned; where the best value of an
// attribute G_θ is blind to depends on what matching learns (driving: the box shading that
// places the sun depends on the cars' paint, and the prior's paint puts the shading's valley past
// the target's azimuth), the same window is searched again on G_θ's learned scenes.

extension MetaSimTrainer {
    /// Runs the searches set to follow matching epoch `epoch` (`StartSearchSettings.afterEpoch`),
    /// in file order; returns whether any of them moved G_θ's output (the hold term's target
    /// moved with it).
    func matchingSearches(after epoch: Int) throws -> Bool {
        var moved = false
        for (i, settings) in experiment.matching.startSearches.enumerated() where settings.afterEpoch == epoch {
            moved = try matchingSearch(settings, number: i, epoch: epoch) || moved
        }
        return moved
    }

    /// One window search on G_θ's current output: one batch of `settings.batchSize` (default
    /// `matching.batch_size`) fresh prior samples goes through G_θ; each grid point moves the
    /// searched attributes' mutable entries of that output by the point's offset (the centre of
    /// the k-th of `points` equal cells of a window `span` wide centred on the output's mean, as
    /// `windowShift` places them; wrapped or clamped as `AttributeShift.apply`), and the decoded
    /// scenes are scored as `startSearchScore` scores a start search's. When a point scores below
    /// the unmoved output, G_θ is re-centred on it (`recentreBlindOutput`: its last layer's bias
    /// for each searched column moves by the logit of the move, so the output's mean moves by the
    /// offset) and `stageOneShifts` moves the hold term's target onto the cell's value (by its
    /// distance from the old target: the mean of the column's per-class targets, when several
    /// classes hold it); otherwise nothing changes. Returns whether it moved. Records a `"stage": "matching_search"` metrics
    /// line (`epoch`, the grid's values under the score's name, `best`, `unmoved_…`, `kept`,
    /// each attribute's mean output before and after in `means`, normalised units).
    /// Precondition: `settings` passed `checkStartSearches` (a window over attributes G_θ is
    /// blind to that no objective moves).
    func matchingSearch(_ settings: StartSearchSettings, number: Int, epoch: Int) throws -> Bool {
        let dimensions = startSearchColumns(settings)
        let graphs = try nextGraphs(settings.batchSize ?? experiment.matching.batchSize)
        let batch = encoder.encode(graphs)
        let output = withoutGradients { transformer(batch) }.data
        let score = try startSearchScore(settings, number: number)
        let means = dimensions.map { outputMean(output, batch: batch, column: $0.column, wraps: $0.wraps) }
        let offsets: [[AttributeShift]] = dimensions.enumerated().map { i, dimension in
            (0..<dimension.points).map { k in
                windowShift(k, of: dimension.points, span: Float(settings.span![i]), current: nil, wraps: dimension.wraps, mean: means[i])
            }
        }
        func scenes(_ moves: [AttributeShift]) -> [SceneGraph] {
            var features = output
            for (dimension, move) in zip(dimensions, moves) {
                for row in 0..<(batch.graphCount * batch.maxNodes) where batch.mutableMask[row * batch.width + dimension.column] != 0 {
                    features[row * batch.width + dimension.column] = move.apply(features[row * batch.width + dimension.column])
                }
            }
            var decoded = graphs
            encoder.decode(features, into: &decoded)
            return decoded
        }
        let points = dimensions.map(\.points)
        let total = points.reduce(1, *)
        let progress = self.progress.start("search after epoch \(epoch): \(settings.attributes.joined(separator: " × "))", total: total)
        var values: [Double] = [], best = 0
        for index in 0..<total {
            let point = gridPoint(index, points: points)
            values.append(try score.value(scenes(point.enumerated().map { offsets[$0][$1] })))
            if values[index] < values[best] { best = index }
            progress.advance(status: String(format: "best %@ %.4f", score.name, values[best]))
        }
        let unmoved = try score.value(scenes(dimensions.map { AttributeShift(amount: 0, wraps: $0.wraps) }))
        let kept = unmoved <= values[best]
        progress.finish(status: kept ? String(format: "kept: unmoved %@ %.4f", score.name, unmoved)
                                     : String(format: "%@ %.4f at %@", score.name, values[best], "\(gridPoint(best, points: points))"))
        var after = means
        if !kept {
            let point = gridPoint(best, points: points)
            let held = try blindTargets(stageOneShifts)
            for (i, dimension) in dimensions.enumerated() {
                let move = offsets[i][point[i]]
                after[i] = recentreBlindOutput(column: dimension.column, batch: batch, by: move)
                // The hold's target moves onto the chosen cell's value.
                let targets = held?.values[dimension.column].map { Array($0.values) } ?? []
                let target = targets.isEmpty ? means[i] : targets.reduce(0, +) / Float(targets.count)
                var step = move.apply(means[i]) - target
                if dimension.wraps { step -= step.rounded() }
                let shift = stageOneShifts[dimension.column] ?? AttributeShift(amount: 0, wraps: dimension.wraps)
                stageOneShifts[dimension.column] = shift.moved(by: shift.amount + step)
            }
        }
        var line: [String: Any] = ["stage": "matching_search", "search": number, "epoch": epoch, "batch_size": graphs.count,
                                   "attributes": settings.attributes, "points": settings.points, "span": settings.span ?? [],
                                   score.name: values, "best": gridPoint(best, points: points), "best_\(score.name)": values[best],
                                   "unmoved_\(score.name)": unmoved, "kept": kept, "seconds": seconds,
                                   "means": Dictionary(uniqueKeysWithValues: zip(settings.attributes, zip(means, after).map { [Double($0), Double($1)] }))]
        if let metric = score.metric { line["task_metric"] = metric }
        try record(line)
        return !kept
    }

    /// Mean of G_θ's `output` (`batch`'s rows) over the mutable entries of `column`
    /// (normalised units; the circular mean of a wrapping column, in [0, 1)); 0.5 when there are none.
    func outputMean(_ output: [Float], batch: EncodedBatch, column: Int, wraps: Bool) -> Float {
        let values = (0..<(batch.graphCount * batch.maxNodes)).filter { batch.mutableMask[$0 * batch.width + column] != 0 }
            .map { Double(output[$0 * batch.width + column]) }
        guard !values.isEmpty else { return 0.5 }
        if wraps { return Float(circularMean(values, range: AttributeRange(min: 0, max: 1, wrap: true))) }
        return Float(values.reduce(0, +) / Double(values.count))
    }

    /// Moves G_θ's output of `column` (an attribute it is blind to) by `move`: the last layer's
    /// bias of that column changes by logit(m′) − logit(m), m the mean of the head's
    /// `unitIntervalOutput` over `batch`'s mutable entries of the column and m′ = `move.apply(m)`
    /// (kept inside [`Tensor.outputBoundMargin`, 1 − margin]). A blind output is nearly one value
    /// per class, so every entry moves by about the offset; entries away from the mean move by
    /// the same step in logit, not in value. Returns the output's new mean over the batch.
    /// A column mutable in several classes has one bias: each class's value moves by about the
    /// offset, from its own value.
    func recentreBlindOutput(column: Int, batch: EncodedBatch, by move: AttributeShift) -> Float {
        let margin = Tensor.outputBoundMargin
        let (x, _, graph) = batch.tensors
        let raw = withoutGradients { transformer.raw(x, graph) }.data
        let rows = (0..<(batch.graphCount * batch.maxNodes)).filter { batch.mutableMask[$0 * batch.width + column] != 0 }
        guard !rows.isEmpty else { return 0.5 }
        let head = rows.map { 1 / (1 + exp(-Double(raw[$0 * batch.width + column]))) }
        let wraps = move.wraps
        let mean = wraps ? circularMean(head, range: AttributeRange(min: 0, max: 1, wrap: true)) : head.reduce(0, +) / Double(head.count)
        func logit(_ v: Double) -> Double {
            let p = Swift.min(Swift.max(v, Double(margin)), 1 - Double(margin))
            return log(p / (1 - p))
        }
        let bias = transformer.layers[transformer.layers.count - 1].bias
        var values = bias.value.data
        values[column] += Float(logit(Double(move.apply(Float(mean)))) - logit(mean))
        bias.value = Tensor(shape: bias.value.shape, data: values)
        let output = withoutGradients { transformer(batch) }.data
        return outputMean(output, batch: batch, column: column, wraps: wraps)
    }
}
