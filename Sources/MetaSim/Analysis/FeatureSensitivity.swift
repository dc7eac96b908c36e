import Foundation
import Grammar
import Render
import Scene
import Tensor

/// How strongly φ (with its MMD) registers each mutable attribute: for an attribute `a`, target
/// scenes whose `a` is redrawn from the prior are compared with the target bank, against fresh
/// target scenes compared with the same bank:
///
///     ratio(a) = MMD²(target with a from the prior, bank) / MMD²(other target scenes, bank)
///
/// A ratio near 1 means φ cannot tell the attribute's prior from its target beyond sampling
/// noise (matching gets no signal); well above 1, it can. The row `all` compares prior scenes
/// with the bank. Each seed draws its own bank, reference and redrawn scenes.
///
/// Needs scenes the target grammar describes (an experiment whose target is rendered): the
/// redrawn value of `a` on a node of rule R is taken from the prior's nodes of rule R in prior
/// scenes of the same seed, cyclically.
public struct FeatureSensitivity {
    /// One row of the table: an attribute (or `all`) and its ratio for each seed.
    public struct Row: Sendable {
        /// A mutable attribute's name, or `all` (every attribute from the prior).
        public var attribute: String
        /// The ratio for each seed, in seed order.
        public var ratios: [Double]
        /// Mean of `ratios`.
        public var mean: Double { ratios.reduce(0, +) / Double(ratios.count) }
        /// Sample standard deviation of `ratios` (0 for one seed).
        public var standardDeviation: Double {
            guard ratios.count > 1 else { return 0 }
            let m = mean
            return (ratios.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(ratios.count - 1)).squareRoot()
        }
    }

    /// The prior grammar (its mutable attributes are measured).
    public var prior: Grammar
    /// Renders the prior's scenes.
    public var priorRenderer: any Renderer
    /// The target grammar (same canvas, same rules).
    public var target: Grammar
    /// Renders the target's scenes (and those with an attribute redrawn).
    public var targetRenderer: any Renderer
    /// Images per set (bank, reference, each redrawn set; ≥ 2).
    public var images: Int

    /// Bundles the grammars and renderers; nothing is checked here.
    public init(prior: Grammar, priorRenderer: any Renderer, target: Grammar, targetRenderer: any Renderer, images: Int) {
        self.prior = prior
        self.priorRenderer = priorRenderer
        self.target = target
        self.targetRenderer = targetRenderer
        self.images = images
    }

    /// The sets compared for one seed, rendered once and shared by every φ measured.
    public struct Sets {
        /// Target images for the bank, fresh target images, prior images, `[N, C, H, W]`, with
        /// their ground truth.
        public var bank: Rendered, reference: Rendered, prior: Rendered
        /// Target images with one attribute redrawn from the prior, by attribute name.
        public var redrawn: [(attribute: String, images: Rendered)]
    }

    /// Images `[N, C, H, W]` and their ground truth.
    public typealias Rendered = (images: Tensor, groundTruth: [GroundTruth])

    /// Renders the sets of `seed`. Throws the grammars' and renderers' errors.
    public func sets(seed: UInt64) throws -> Sets {
        let n = images
        let targetAssets = target.assetRegistry(), priorAssets = prior.assetRegistry()
        let bank = try target.sample(seed: seed, range: 0..<n, assets: targetAssets)
        let reference = try target.sample(seed: seed, range: n..<(2 * n), assets: targetAssets)
        let priorGraphs = try prior.sample(seed: seed, range: 0..<n, assets: priorAssets)
        func render(_ graphs: [SceneGraph], _ renderer: any Renderer) throws -> Rendered {
            let rendered = try renderer.render(graphs)
            return (tensor(rendered.map(\.image)), rendered.map(\.groundTruth))
        }
        let redrawn = try prior.mutableAttributeNames.map { name in
            (name, try render(Self.redraw(name, in: reference, from: priorGraphs), targetRenderer))
        }
        return Sets(bank: try render(bank, targetRenderer), reference: try render(reference, targetRenderer),
                    prior: try render(priorGraphs, priorRenderer), redrawn: redrawn)
    }

    /// `graphs` with attribute `name` of every node that has it replaced by the values of the
    /// same rule's nodes in `source`, taken in order and cyclically (unchanged where `source`
    /// has no such node).
    public static func redraw(_ name: String, in graphs: [SceneGraph], from source: [SceneGraph]) -> [SceneGraph] {
        var pools: [String: [AttributeValue]] = [:]
        for graph in source { for node in graph.nodes { if let v = node.attributes[name] { pools[node.rule, default: []].append(v) } } }
        var next: [String: Int] = [:]
        var out = graphs
        for g in out.indices { for i in out[g].nodes.indices where out[g].nodes[i].attributes[name] != nil {
            let rule = out[g].nodes[i].rule
            guard let pool = pools[rule], !pool.isEmpty else { continue }
            let k = next[rule, default: 0]
            out[g].nodes[i].attributes[name] = pool[k % pool.count]
            next[rule] = k + 1
        } }
        return out
    }

    /// The table for φ `features` with MMD `settings` over the given per-seed sets: `all` first,
    /// then each mutable attribute. A reference MMD² of 0 gives an infinite ratio.
    public static func rows(features: MatchingFeatures, settings: MMDSettings, sets: [Sets]) -> [Row] {
        var rows: [Row] = []
        for s in sets {
            let mmd = FeatureMMD(features: features, targetImages: s.bank.images, targetGroundTruth: s.bank.groundTruth,
                                 scales: settings.scales, unbiased: settings.unbiased, maxSamples: settings.maxSamples)
            let noise = mmd.value(of: s.reference.images, groundTruth: s.reference.groundTruth)
            let measured = [("all", s.prior)] + s.redrawn
            for (k, (name, set)) in measured.enumerated() {
                if rows.count <= k { rows.append(Row(attribute: name, ratios: [])) }
                rows[k].ratios.append(mmd.value(of: set.images, groundTruth: set.groundTruth) / noise)
            }
        }
        return rows
    }
}
