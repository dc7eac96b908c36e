import NN
import Tensor

/// φ: the frozen EfficientNet-Lite0 stages that images are compared in. Each selected stage's
/// output is flattened per image — or, for a `…_mean` stage, averaged over positions (one value
/// per channel: what the image holds, wherever it is) — and the stages are concatenated, giving
/// `[N, dimension]`. Gradients flow back to the images (the network's weights are constants).
public struct FeatureExtractor: FeatureNetwork, Sendable {
    /// One selected output: a network stage, flattened or averaged over positions.
    public struct Selection: Hashable, Sendable {
        /// The network stage whose output is used.
        public var stage: EfficientNetLite0.Stage
        /// Average over positions (one value per channel) instead of flattening.
        public var spatialMean: Bool

        /// Selects `stage`, flattened unless `spatialMean`.
        public init(_ stage: EfficientNetLite0.Stage, spatialMean: Bool = false) {
            self.stage = stage
            self.spatialMean = spatialMean
        }

        /// `group3` or `group3_mean`; nil for other names.
        public init?(name: String) {
            let mean = name.hasSuffix("_mean")
            guard let stage = EfficientNetLite0.Stage(rawValue: mean ? String(name.dropLast(5)) : name) else { return nil }
            self.init(stage, spatialMean: mean)
        }

        /// Every name `init(name:)` accepts.
        public static var names: [String] {
            EfficientNetLite0.Stage.allCases.map(\.rawValue) + EfficientNetLite0.Stage.allCases.map { $0.rawValue + "_mean" }
        }
    }

    /// The frozen network; its weights are constants.
    public let network: EfficientNetLite0
    /// The outputs concatenated into φ, in this order (never empty).
    public let selections: [Selection]

    /// - Precondition: `selections` is not empty.
    public init(network: EfficientNetLite0, selections: [Selection]) {
        precondition(!selections.isEmpty, "FeatureExtractor: no stage selected")
        self.network = network
        self.selections = selections
    }

    /// Whole stage outputs, flattened.
    public init(network: EfficientNetLite0, stages: [EfficientNetLite0.Stage]) {
        self.init(network: network, selections: stages.map { Selection($0) })
    }

    /// Features of `images` (`[N, C, H, W]`, values in [0, 1], C = 1 or 3) as `[N, dimension]`.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        let n = images.shape[0]
        let outputs = network.features(pixels: images * 255, stages: Set(selections.map(\.stage)))
        let flat = selections.map { s -> Tensor in
            let out = outputs[s.stage]!
            return s.spatialMean && out.rank == 4 ? out.mean(axes: [2, 3]) : out.reshaped([n, -1])
        }
        return flat.count == 1 ? flat[0] : Tensor.concat(flat, axis: 1)
    }
}
