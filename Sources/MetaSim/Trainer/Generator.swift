import Assets
import Diagnostics
import Grammar
import Render
import Scene
import Tensor

/// Samples scene graphs from a grammar, optionally passes them through a learned distribution
/// transformer, and renders them: how a trained run makes its dataset.
///
/// Deterministic: sample `i` of seed `s` is always the same graph, and the transformer is a
/// pure function of it, so the same (seed, start, count) gives the same images whatever the
/// batch size.
public struct Generator {
    /// The grammar samples are drawn from.
    public let grammar: Grammar
    /// Asset stores the grammar samples from (shared with the renderer).
    public let assets: AssetRegistry
    /// The learned G_θ; nil generates the prior grammar's data.
    public let transformer: DistributionTransformer?
    /// Draws the (transformed) graphs.
    public let renderer: any Renderer
    let encoder: SceneEncoder
    /// The files this generator was built from, by role (`grammar`, `weights`), when it was
    /// loaded from a run (`init(run:)`): what a dataset's provenance digests. Empty otherwise.
    public internal(set) var inputFiles: [String: String] = [:]

    /// Bundles the parts; unchecked (a transformer must have been built for `grammar.schema`).
    public init(grammar: Grammar, assets: AssetRegistry, transformer: DistributionTransformer?, renderer: any Renderer) {
        self.grammar = grammar
        self.assets = assets
        self.transformer = transformer
        self.renderer = renderer
        encoder = SceneEncoder(grammar.schema)
    }

    /// The same generator (grammar, transformer, input files) drawing with `renderer`, which
    /// must have this grammar's canvas and classes (an external engine instead of the built-in).
    public func rendering(with renderer: any Renderer) -> Generator {
        var copy = Generator(grammar: grammar, assets: assets, transformer: transformer, renderer: renderer)
        copy.inputFiles = inputFiles
        return copy
    }

    /// Hands `body` consecutive batches of at most `batchSize` generated samples, in order.
    /// `learned` false skips the transformer (the prior grammar's data). Throws rendering
    /// errors, and `InputError` when the transformer's output is not finite (its scenes would
    /// silently stay the prior's).
    ///
    /// `only` (offsets into `0..<count`) limits what is rendered and handed over to those
    /// samples; the batches that hold some are still sampled and transformed whole, so that
    /// each sample comes from the same batch, hence the same bits, as in a run over all
    /// `count` (resuming a dataset, or re-rendering its first images).
    public func forEachBatch(count: Int, seed: UInt64, start: Int = 0, learned: Bool = true, batchSize: Int = 256,
                             only: Range<Int>? = nil,
                             _ body: ([(graph: SceneGraph, rendered: RenderedImage)]) throws -> Void) throws {
        let wanted = (only ?? 0..<count).clamped(to: 0..<count)
        for first in stride(from: start, to: start + count, by: batchSize) {
            let offsets = (first - start)..<min(count, first - start + batchSize)
            let kept = offsets.clamped(to: wanted)
            guard !kept.isEmpty else { continue }
            var graphs = try grammar.sample(seed: seed, range: first..<min(start + count, first + batchSize), assets: assets)
            if learned, let transformer {
                let batch = encoder.encode(graphs)
                let output = withoutGradients { transformer(batch) }
                if let bad = output.data.firstIndex(where: { !$0.isFinite }) {
                    throw InputError(file: "transformer", message: "the learned transformer gives a non-finite attribute (\(output.data[bad])) for sample \(first + bad / max(1, batch.maxNodes * encoder.schema.width)): its weights are unusable (a diverged training)")
                }
                encoder.decode(output.data, into: &graphs)
            }
            if kept != offsets { graphs = Array(graphs[(kept.lowerBound - offsets.lowerBound)..<(kept.upperBound - offsets.lowerBound)]) }
            let rendered = try grammar.render(graphs, with: renderer)
            try body(Array(zip(graphs, rendered).map { (graph: $0, rendered: $1) }))
        }
    }

    /// All `count` samples at once (see `forEachBatch`).
    public func generate(count: Int, seed: UInt64, start: Int = 0, learned: Bool = true) throws -> [(graph: SceneGraph, rendered: RenderedImage)] {
        var all: [(graph: SceneGraph, rendered: RenderedImage)] = []
        try forEachBatch(count: count, seed: seed, start: start, learned: learned) { all += $0 }
        return all
    }
}
