import Assets
import Grammar
import Render

/// The typed inputs of a `MetaSimTrainer`, all in memory: the prior grammar, the renderer of
/// its scenes, φ and the target data. `ExperimentBuilder.parts()` makes them from an
/// experiment's files; code can make them directly.
public struct TrainerParts {
    /// The prior grammar; needs at least one mutable attribute.
    public var grammar: Grammar
    /// The asset stores the grammar samples from (share them with the renderer).
    public var assets: AssetRegistry
    /// Renders the generator's scenes at `grammar.canvas`; its VJP carries gradients to the
    /// attributes.
    public var renderer: any Renderer
    /// φ: `[N, C, H, W]` → `[N, D]`.
    public var features: any FeatureNetwork
    /// Target images at `grammar.canvas` (and labelled sets for stage 3 and the final scores).
    public var target: TargetSet
    /// Object-centred crops compared too, with φ of a crop (`[K, C, s, s]` → `[K, D]`); nil:
    /// none. Needs the target's ground truth (`TargetSet.groundTruth`).
    public var crops: (windows: ObjectCrops, features: any FeatureNetwork)?

    /// Bundles parts made elsewhere, unchecked; the trainer validates them when it is created.
    public init(grammar: Grammar, assets: AssetRegistry, renderer: any Renderer, features: any FeatureNetwork, target: TargetSet) {
        self.grammar = grammar
        self.assets = assets
        self.renderer = renderer
        self.features = features
        self.target = target
    }

    /// Parts that render with the built-in compositor of `grammar` (its asset stores loaded
    /// now). Throws when an asset store cannot be loaded.
    public init(grammar: Grammar, features: any FeatureNetwork, target: TargetSet) throws {
        let assets = grammar.assetRegistry()
        self.init(grammar: grammar, assets: assets, renderer: try grammar.makeRenderer(assets: assets),
                  features: features, target: target)
    }
}
