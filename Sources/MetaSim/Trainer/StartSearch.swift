import Codecs
import Diagnostics
import Foundation
import Grammar
import NN
import Scene

// Global searches for stage 2's start. Gradient descent on MMD² finds the basin nearest to
// its start; these searches pick the start among coarse alternatives, scored by MMD² of one
// rendered batch of prior samples against the target bank (the same samples for every
// alternative, so their differences are not sampling noise).

extension MetaSimTrainer {
    /// The shifts stage 1 re-centres the transformer on before matching (empty: none): the
    /// start searches over `matching.start_search`'s attributes, then the phase search over
    /// each wrapping mutable attribute no start search covers.
    public func startShifts() throws -> [Int: AttributeShift] {
        var shifts = try startSearch()
        let searched = experiment.matching.startSearches.flatMap { startSearchColumns($0).map(\.column) }
        for (column, shift) in try phaseSearch(skipping: Set(searched)) {
            shifts[column] = shift
        }
        return shifts
    }

    /// The start searches (`matching.start_search`, in order; empty when none): the shifts they
    /// chose, each search's grid rendered with the earlier searches' choices applied (one group
    /// of attributes at a time, when a joint grid over all of them would be too large). Throws
    /// `InputError` for an attribute the grammar does not have as mutable.
    public func startSearch() throws -> [Int: AttributeShift] {
        try checkStartSearches()
        var chosen: [Int: AttributeShift] = [:]
        for (i, settings) in experiment.matching.startSearches.enumerated() {
            chosen = try startSearch(settings, number: i, after: chosen)
        }
        return chosen
    }

    /// One start search: every combination of the grid (`StartSearchSettings`) is rendered on
    /// one batch of `settings.batchSize` (default `matching.batch_size`) prior samples, with
    /// `earlier` (shifts chosen before) applied, and scored by MMD² (`searchMMD`: without the
    /// crop terms with `settings.imageTermsOnly`, with φ's mirror-difference term with
    /// `settings.mirrorTerm`) or, with `settings.score` `task`,
    /// by 1 − a task network's validation score (`startSearchScore`); returns `earlier` with the
    /// chosen combination's shifts added. A wrapping attribute's k-th value turns the prior by k/points of its period; a
    /// bounded one's moves the prior's mean (over `referenceBatch()`) to the centre of the k-th
    /// of `points` equal cells of its range (values clamped inside it, `AttributeShift.margin`).
    /// With `settings.span`, the cells divide a window of that width centred on the attribute's
    /// current value (`earlier`'s shift, or none) instead (`windowShift`), and `earlier` is
    /// returned unchanged (and no basin refined) when its own MMD² is at or below every grid
    /// point's. With `settings.spreads`, the grid has one more dimension (last): each bounded
    /// attribute's values keep that share of their spread around the cell's mean
    /// (`AttributeShift.spread`); without it a bounded attribute keeps the spread an earlier
    /// search gave it. Several attributes jointly, so an attribute whose best value depends on
    /// another's (a rotation judged at the wrong position) is not misjudged. Without refinement the grid's best point is chosen;
    /// with `refine` = K ≥ 2, the K lowest local minima of the grid (`gridBasins`) are each
    /// refined by a short matching run (`refineStarts`) and the lowest run wins. Records a
    /// `"stage": "start_search"` metrics line (`search`: `number`, `batch_size`, `span`, `spreads`, `image_terms_only` and `mirror_term` when set; every
    /// combination's value under `mmd` (or `task_loss`, with `task_metric`), `best_mmd` and
    /// `unmoved_mmd` (`best_task_loss`, …), the chosen point, the grid's best, `kept` when a window search kept
    /// the current value, and each refined point with its grid and refined MMD²).
    /// Precondition: `settings` passed `checkStartSearches`.
    func startSearch(_ settings: StartSearchSettings, number: Int, after earlier: [Int: AttributeShift]) throws -> [Int: AttributeShift] {
        let dimensions = startSearchColumns(settings)
        let graphs = try nextGraphs(settings.batchSize ?? experiment.matching.batchSize)
        let batch = encoder.encode(graphs), reference = try referenceBatch()
        let score = try startSearchScore(settings, number: number, graphs: graphs, batch: batch)
        let means = dimensions.map { reference.mutableMean(column: $0.column) }
        // Per dimension, the shift of each grid point.
        let options: [[AttributeShift]] = dimensions.enumerated().map { i, dimension in
            (0..<dimension.points).map { k in
                if let span = settings.span?[i] {
                    return windowShift(k, of: dimension.points, span: Float(span), current: earlier[dimension.column],
                                       wraps: dimension.wraps, mean: means[i] ?? 0.5)
                }
                if dimension.wraps { return AttributeShift(amount: Float(k) / Float(dimension.points), wraps: true) }
                let centre = (Float(k) + 0.5) / Float(dimension.points)
                return AttributeShift(amount: centre - (means[i] ?? centre), wraps: false)
            }
        }
        // With `spreads`, one more grid dimension: the share of the prior's spread the bounded attributes keep.
        let points = dimensions.map(\.points) + (settings.spreads.map { [$0.count] } ?? [])
        func shifts(at index: Int) -> [Int: AttributeShift] {
            var out = earlier
            let point = gridPoint(index, points: points)
            for (i, dimension) in dimensions.enumerated() {
                var shift = options[i][point[i]]
                if !dimension.wraps {
                    if let spreads = settings.spreads {
                        shift = AttributeShift(amount: shift.amount, spread: Float(spreads[point[dimensions.count]]), centre: means[i] ?? 0.5)
                    } else if let current = earlier[dimension.column], current.spread != nil {
                        shift = current.moved(by: shift.amount)
                    }
                }
                out[dimension.column] = shift
            }
            return out
        }
        let total = points.reduce(1, *)
        let progress = self.progress.start("start search: \(settings.attributes.joined(separator: " × "))", total: total)
        var values: [Double] = [], best = 0
        for index in 0..<total {
            values.append(try score.value(shifts(at: index)))
            if values[index] < values[best] { best = index }
            progress.advance(status: String(format: "best %@ %.4f", score.name, values[best]))
        }
        let name = { (index: Int) in
            zip(settings.attributes + (settings.spreads == nil ? [] : ["spread"]), gridPoint(index, points: points))
                .map { "\($0) #\($1)" }.joined(separator: ", ")
        }
        progress.finish(status: String(format: "%@ %.4f at ", score.name, values[best]) + name(best))
        let unmoved = try score.value(earlier)
        var line: [String: Any] = ["stage": "start_search", "search": number, "batch_size": graphs.count,
                                   "attributes": settings.attributes, "points": settings.points,
                                   score.name: values, "grid_best": gridPoint(best, points: points), "best_\(score.name)": values[best],
                                   "unmoved_\(score.name)": unmoved]
        if let span = settings.span { line["span"] = span }
        if let spreads = settings.spreads { line["spreads"] = spreads }
        if settings.imageTermsOnly { line["image_terms_only"] = true }
        if settings.mirrorTerm { line["mirror_term"] = true }
        if let metric = score.metric { line["task_metric"] = metric }
        // A window search keeps the current value unless a grid point beats it (then nothing is refined).
        let kept = settings.span != nil && unmoved <= values[best]
        // A window's ends are not neighbours, even of a wrapping attribute.
        let wraps = dimensions.map { $0.wraps && settings.span == nil } + (settings.spreads == nil ? [] : [false])
        let basins = settings.refine > 1 && !kept ? Array(gridBasins(values, points: points, wraps: wraps).prefix(settings.refine)) : []
        if basins.count > 1 {
            let scores = try refineStarts(basins.map(shifts(at:)), steps: settings.refineSteps, names: basins.map(name))
            best = basins[scores.indices.min { scores[$0] < scores[$1] }!]
            line["refined"] = zip(basins, scores).map { ["point": gridPoint($0, points: points), "grid_mmd": values[$0], "refined_mmd": $1] as [String: Any] }
        }
        line["best"] = gridPoint(best, points: points)
        line["kept"] = kept
        line["seconds"] = seconds
        try record(line)
        return kept ? earlier : shifts(at: best)
    }

    /// How `startSearch` scores a grid point (`settings.score`), on `graphs` (encoded as
    /// `batch`) as stage 1 re-centred on the point's shifts would give them: `name` is the
    /// metrics key of the values (`mmd`; `task_loss` = 1 − the validation score `metric`;
    /// `box_mmd` = `BoxGeometryMMD` of the rendered boxes against the validation boxes;
    /// `box_shading_mmd` = `BoxShadingMMD` likewise), lower is better. A task-scored search
    /// trains every point's network from the same seed (derived from the experiment's seed and
    /// `number`) in the same minibatch order, so points differ by their scenes alone. Throws `InputError` at the search's `score` when
    /// the target has no labelled validation set (for `boxes` and `box_shading`: no detection
    /// validation set, or one without a box the score can use).
    func startSearchScore(_ settings: StartSearchSettings, number: Int, graphs: [SceneGraph],
                          batch: EncodedBatch) throws -> (name: String, metric: String?, value: ([Int: AttributeShift]) throws -> Double) {
        switch settings.score {
        case .mmd:
            let by = searchMMD(imageTermsOnly: settings.imageTermsOnly, mirrorTerm: settings.mirrorTerm)
            return ("mmd", nil, { try self.mmd(of: graphs, batch: batch, shifts: $0, by: by) })
        case .task:
            guard let validation = target.validation else {
                throw InputError(file: experiment.source,
                                 path: "\(experiment.matching.startSearchPath(number)).score",
                                 message: "a task-scored search needs labelled target validation images (target.validation)")
            }
            let network = experiment.taskNetwork
            let scorer = TaskValidationScore(renderer: renderer, validation: validation, network: network, metric: settings.taskMetric)
            let epochs = settings.taskEpochs ?? network.epochs
            let seed = experiment.seed &+ 0x5EA2_C400 &+ UInt64(number)
            return ("task_loss", scorer.metricName, { shifts in
                let task = try scorer.trained(self.decoded(graphs, batch: batch, shifts: shifts), epochs: epochs, seed: seed, source: "start search")
                return 1 - scorer.score(task)
            })
        case .boxes, .boxShading:
            let path = "\(experiment.matching.startSearchPath(number)).score"
            guard let validation = target.validation, validation.kind == .detection else {
                throw InputError(file: experiment.source, path: path,
                                 message: "a search with `score: \(settings.score.rawValue)` needs labelled target validation images with boxes (target.validation, task_network.kind: detection)")
            }
            let size = settings.score == .boxes ? "" : " at least \(BoxShadingMMD.minimumSide) px wide and tall"
            let noBox = InputError(file: experiment.source, path: path,
                                   message: "the labelled target validation images hold no box of the task's classes (\(validation.classes.joined(separator: ", ")))\(size)")
            let classes = Dictionary(validation.classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            func renderedBoxes(_ shifts: [Int: AttributeShift]) throws -> (images: [Image], objects: [[LabelledBox]]) {
                let rendered = try renderer.render(decoded(graphs, batch: batch, shifts: shifts))
                return (rendered.map(\.image), rendered.map { TaskSet.detectionObjects($0.groundTruth, classes: classes) })
            }
            if settings.score == .boxes {
                guard let boxes = BoxGeometryMMD(validation: validation.objects, width: renderer.canvas.width,
                                                 height: renderer.canvas.height, scales: experiment.mmd.scales) else { throw noBox }
                return ("box_mmd", nil, { boxes.value(of: try renderedBoxes($0).objects) })
            }
            guard let shading = BoxShadingMMD(validation: validation.images, objects: validation.objects, scales: experiment.mmd.scales)
            else { throw noBox }
            return ("box_shading_mmd", nil, { shifts in
                let rendered = try renderedBoxes(shifts)
                return shading.value(of: rendered.images, objects: rendered.objects)
            })
        }
    }

    /// Scores each start in `starts` (shifts, as from the start search) by a short matching
    /// run: from the transformer's current (stage 1) weights, stage 1 re-centred on the start
    /// (no checkpoint), then `steps` MMD matching steps with the experiment's matching settings
    /// (first epoch's learning rate; MMD alone, no task objective). Every start sees the same
    /// prior samples, so the scores differ by where each start leads, not by sampling noise.
    /// Returns each start's mean MMD² over the last third of its steps (at least one); the
    /// transformer's weights are restored afterwards and the sample cursor moves past the
    /// samples used. A `"stage": "start_refine"` metrics line per step (`names[i]` as `start`).
    /// Multi-start local search: the basins a one-batch grid cannot rank (a start that still
    /// has other attributes far off scores by those) are ranked by where descent takes them.
    func refineStarts(_ starts: [[Int: AttributeShift]], steps: Int, names: [String]) throws -> [Double] {
        let base = transformer.state, cursor = sampleCursor
        var end = cursor, scores: [Double] = []
        for (i, shifts) in starts.enumerated() {
            try transformer.load(base)
            sampleCursor = cursor
            try reconstruct(shifts: shifts, checkpoint: false)
            let parameters = matchingParameters
            let optimizer = Adam(parameters, learningRate: Float(experiment.matching.learningRate))
            let matching = try distributionMatching(shifts: shifts)
            let progress = self.progress.start("start refinement \(i + 1)/\(starts.count): \(names[i])", total: steps)
            var values: [Double] = []
            for s in 0..<steps {
                let result = try matching.step(try nextGraphs(experiment.matching.batchSize), parameters: parameters)
                guard result.mmd.isFinite else { throw diverged(setting: "matching.learning_rate", what: "MMD \(result.mmd) in a start refinement") }
                try requireFinite(result.gradients.ordered(for: parameters), setting: "matching.learning_rate", what: "a start refinement gradient")
                optimizer.step(result.gradients)
                values.append(result.mmd)
                try record(["stage": "start_refine", "start": names[i], "step": s, "mmd": result.mmd,
                            "attributes": attributeMeans(of: result.graphs), "seconds": seconds])
                progress.advance(status: String(format: "mmd %.4f", result.mmd))
            }
            let tail = values.suffix(max(1, steps / 3))
            scores.append(tail.reduce(0, +) / Double(tail.count))
            progress.finish(status: String(format: "mean mmd of the last %d steps %.4f", tail.count, scores[i]))
            end = max(end, sampleCursor)
        }
        try transformer.load(base)
        sampleCursor = end
        return scores
    }

    /// A coarse search over each wrapping mutable attribute on its own (angles), not in
    /// `skipping` (columns): the prior turned by each of `matching.phase_search` evenly spaced
    /// offsets (0 included), scored on one batch; the offset of lowest MMD² is kept (column →
    /// shift; empty when 0 wins everywhere or the search is off). MMD against digits rotated by
    /// 90° also has a (worse) minimum at −90°, and a prior at 0° sits on the ridge between them.
    /// Records a `"stage": "phase_search"` metrics line per attribute.
    public func phaseSearch(skipping: Set<Int> = []) throws -> [Int: AttributeShift] {
        let count = experiment.matching.phaseSearch
        guard count > 1 else { return [:] }
        let mutable = Set(grammar.mutableAttributeNames)
        let columns = grammar.schema.attributes.enumerated().filter { $0.element.range.wrap && mutable.contains($0.element.name) }
            .map { (name: $0.element.name, column: grammar.schema.classes.count + $0.offset) }
            .filter { !skipping.contains($0.column) }
        let graphs = try nextGraphs(experiment.matching.batchSize)
        let batch = encoder.encode(graphs)
        var shifts: [Int: AttributeShift] = [:]
        for (name, column) in columns {
            let values = try (0..<count).map { k in
                try mmd(of: graphs, batch: batch, shifts: [column: AttributeShift(amount: Float(k) / Float(count), wraps: true)], by: mmd)
            }
            let best = values.indices.min { values[$0] < values[$1] }!
            try record(["stage": "phase_search", "attribute": name, "mmd": values, "best_offset": best, "offsets": count])
            if best != 0 { shifts[column] = AttributeShift(amount: Float(best) / Float(count), wraps: true) }
        }
        return shifts
    }

    /// Throws `InputError` at `matching.start_search…attributes[j]` for a name that is not a
    /// mutable attribute of the grammar.
    func checkStartSearches() throws {
        if let problem = Self.startSearchProblem(experiment.matching, grammar: grammar) {
            throw InputError(file: experiment.source, path: problem.path, message: problem.message)
        }
    }

    /// A start search's attributes as encoded columns, in its order (names checked by
    /// `checkStartSearches`).
    func startSearchColumns(_ settings: StartSearchSettings) -> [(column: Int, points: Int, wraps: Bool)] {
        zip(settings.attributes, settings.points).map { name, points in
            let a = grammar.schema.attributes.firstIndex { $0.name == name }!
            return (grammar.schema.classes.count + a, points, grammar.schema.attributes[a].range.wrap)
        }
    }

    /// The first start-search attribute of `matching` that is not a mutable attribute of
    /// `grammar`, or the `spreads` of a search whose attributes all wrap, as a field path (`MatchingSettings.startSearchPath` + `.attributes[j]`) and a
    /// message (nil: none). An attribute may be searched again by a later search (which starts
    /// from the earlier choice: a window search refines it, a whole-range one re-chooses it with
    /// the searches between applied).
    public static func startSearchProblem(_ matching: MatchingSettings, grammar: Grammar) -> (path: String, message: String)? {
        let mutable = grammar.mutableAttributeNames
        for (s, settings) in matching.startSearches.enumerated() {
            for (i, name) in settings.attributes.enumerated() where !mutable.contains(name) {
                return ("\(matching.startSearchPath(s)).attributes[\(i)]",
                        "'\(name)' is not a mutable attribute of the grammar (mutable: \(mutable.joined(separator: ", ")))")
            }
            let wraps = settings.attributes.map { name in grammar.schema.attributes.first { $0.name == name }?.range.wrap ?? false }
            if settings.spreads != nil && !wraps.contains(false) {
                return ("\(matching.startSearchPath(s)).spreads",
                        "narrows bounded attributes, and \(settings.attributes.joined(separator: ", ")) all wrap")
            }
        }
        return nil
    }

    /// MMD² of `graphs` (encoded as `batch`) as stage 1 re-centred on `shifts` would give them
    /// (its target: `shifts` applied, blind attributes at their one value per class), rendered,
    /// against the bank by `score` (`mmd`, or `imageTermsMMD`).
    private func mmd(of graphs: [SceneGraph], batch: EncodedBatch, shifts: [Int: AttributeShift], by score: FeatureMMD) throws -> Double {
        let rendered = try renderer.render(decoded(graphs, batch: batch, shifts: shifts))
        return score.value(of: tensor(rendered.map(\.image)), groundTruth: rendered.map(\.groundTruth))
    }

    /// `graphs` (encoded as `batch`) with the attributes stage 1 re-centred on `shifts` would
    /// give them (its target: `shifts` applied, blind attributes at their one value per class).
    private func decoded(_ graphs: [SceneGraph], batch: EncodedBatch, shifts: [Int: AttributeShift]) throws -> [SceneGraph] {
        var decoded = graphs
        encoder.decode(batch.reconstructionTarget(shifts: shifts, blind: try blindTargets(shifts), classCount: grammar.schema.classes.count),
                       into: &decoded)
        return decoded
    }
}

/// The local minima of a grid of `values` (mixed radix as `gridPoint`), lowest first: the
/// points no neighbour (±1 in any set of dimensions, diagonals included; across the ends of a
/// dimension that `wraps`) undercuts; of equal neighbours the lower index counts as lower. One
/// point per basin of the sampled landscape, so refining the first K explores K basins rather
/// than K neighbours of one. Cost: 3^d neighbour checks per point (d = `points.count`).
func gridBasins(_ values: [Double], points: [Int], wraps: [Bool]) -> [Int] {
    let cube = points.map { _ in 3 }
    let offsets = (0..<cube.reduce(1, *)).map { gridPoint($0, points: cube).map { $0 - 1 } }.filter { $0.contains { $0 != 0 } }
    func lower(_ a: Int, _ b: Int) -> Bool { values[a] < values[b] || (values[a] == values[b] && a < b) }
    let minima = values.indices.filter { index in
        let point = gridPoint(index, points: points)
        return offsets.allSatisfy { offset in
            var neighbour = 0
            for d in points.indices {
                var k = point[d] + offset[d]
                if wraps[d] { k = (k + points[d]) % points[d] } else if k < 0 || k >= points[d] { return true }
                neighbour = neighbour * points[d] + k
            }
            return neighbour == index || lower(index, neighbour)
        }
    }
    return minima.sorted(by: lower)
}

/// The grid coordinates of combination `index` (mixed radix, the last attribute fastest).
func gridPoint(_ index: Int, points: [Int]) -> [Int] {
    var rest = index
    var out = Array(repeating: 0, count: points.count)
    for i in points.indices.reversed() {
        out[i] = rest % points[i]
        rest /= points[i]
    }
    return out
}

/// The k-th of `points` grid shifts of a window search (`StartSearchSettings.span`): the
/// centre of the k-th of `points` equal cells of a window `span` wide (normalised units)
/// centred on the current value — the prior's reference mean `mean` moved by `current`
/// (nil: unmoved). A wrapping attribute's window is a range of turns around `current`; a
/// bounded one's slides to stay inside [0, 1].
func windowShift(_ k: Int, of points: Int, span: Float, current: AttributeShift?, wraps: Bool, mean: Float) -> AttributeShift {
    let cell = span * (Float(k) + 0.5) / Float(points)
    if wraps { return AttributeShift(amount: (current?.amount ?? 0) - span / 2 + cell, wraps: true) }
    let centre = current?.apply(mean) ?? mean
    let start = min(max(centre - span / 2, 0), 1 - span)
    return AttributeShift(amount: start + cell - mean, wraps: false)
}
