import NN
import Tensor

/// φ: the frozen EfficientNet-Lite0 stages that images are compared in. Each selected stage's
/// output is pooled (`Pooling`) and the results form φ's MMD terms (`terms`): the flattened and
/// position-averaged selections concatenated into one `[N, D]` term (or one term each with
/// `separateBandwidths`), and each `_patches` selection a term of its own whose samples are the
/// stage map's local feature vectors, `[N·h·w, C]`. Gradients flow back to the images (the
/// network's weights are constants).
public struct FeatureExtractor: FeatureNetwork, Sendable {
    /// How a stage's `[N, C, h, w]` map becomes samples for MMD.
    public enum Pooling: String, Hashable, Sendable, CaseIterable {
        /// One vector per image, the whole map flattened, `[N, C·h·w]`: compares images position by position.
        case flatten
        /// One vector per image, the map averaged over positions, `[N, C]` (name suffix `_mean`):
        /// which local patterns an image holds, wherever they are.
        case mean
        /// One sample per position, `[N·h·w, C]` (name suffix `_patches`): MMD between the
        /// distributions of local feature vectors, each seeing a window of the image (its
        /// receptive field) — a small object's shape and its surroundings, wherever it lies.
        case patches
    }

    /// One selected output: a network stage and how it is pooled.
    public struct Selection: Hashable, Sendable {
        /// The network stage whose output is used.
        public var stage: EfficientNetLite0.Stage
        /// How its map becomes samples.
        public var pooling: Pooling

        /// Selects `stage`, pooled by `pooling` (flattened by default).
        public init(_ stage: EfficientNetLite0.Stage, pooling: Pooling = .flatten) {
            self.stage = stage
            self.pooling = pooling
        }

        /// `group3`, `group3_mean` or `group3_patches`; nil for other names.
        public init?(name: String) {
            for pooling in [Pooling.mean, .patches] where name.hasSuffix("_" + pooling.rawValue) {
                guard let stage = EfficientNetLite0.Stage(rawValue: String(name.dropLast(pooling.rawValue.count + 1))) else { return nil }
                self.init(stage, pooling: pooling)
                return
            }
            guard let stage = EfficientNetLite0.Stage(rawValue: name) else { return nil }
            self.init(stage)
        }

        /// Every name `init(name:)` accepts.
        public static var names: [String] {
            EfficientNetLite0.Stage.allCases.flatMap { stage in
                [stage.rawValue, stage.rawValue + "_mean", stage.rawValue + "_patches"]
            }
        }
    }

    /// The frozen network; its weights are constants.
    public let network: EfficientNetLite0
    /// The outputs that form φ, in this order (never empty).
    public let selections: [Selection]
    /// Whether each flattened or averaged selection is an MMD term of its own (its own kernel
    /// bandwidths from its own median distance) instead of one term of them all concatenated.
    public let separateBandwidths: Bool

    /// - Precondition: `selections` is not empty.
    public init(network: EfficientNetLite0, selections: [Selection], separateBandwidths: Bool = false) {
        precondition(!selections.isEmpty, "FeatureExtractor: no stage selected")
        self.network = network
        self.selections = selections
        self.separateBandwidths = separateBandwidths
    }

    /// Whole stage outputs, flattened.
    public init(network: EfficientNetLite0, stages: [EfficientNetLite0.Stage]) {
        self.init(network: network, selections: stages.map { Selection($0) })
    }

    /// One vector per image, `[N, dimension]`, for KID and other per-image uses: the selections
    /// concatenated, a `_patches` selection averaged over positions like `_mean`.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        features(from: maps(images))
    }

    /// φ's MMD terms (see the type's description): per-image terms first (one, or one per
    /// selection with `separateBandwidths`), then one `[N·h·w, C]` term per `_patches` selection,
    /// rows image-major then row-major over positions.
    public func terms(_ images: Tensor) -> [Tensor] {
        terms(from: maps(images))
    }

    /// `terms` and `callAsFunction` from one pass of the network.
    public func termsAndFeatures(_ images: Tensor) -> (terms: [Tensor], features: Tensor) {
        let outputs = maps(images)
        return (terms(from: outputs), features(from: outputs))
    }

    /// The per-image vectors of `callAsFunction` from the stage outputs.
    private func features(from outputs: [EfficientNetLite0.Stage: Tensor]) -> Tensor {
        let flat = selections.map { s in perImage(outputs[s.stage]!, pooling: s.pooling == .flatten ? .flatten : .mean) }
        return flat.count == 1 ? flat[0] : Tensor.concat(flat, axis: 1)
    }

    /// The terms of `terms(_:)` from the stage outputs.
    private func terms(from outputs: [EfficientNetLite0.Stage: Tensor]) -> [Tensor] {
        let perImageSelections = selections.filter { $0.pooling != .patches }
        var result = perImageSelections.map { perImage(outputs[$0.stage]!, pooling: $0.pooling) }
        if !separateBandwidths && result.count > 1 { result = [Tensor.concat(result, axis: 1)] }
        for s in selections where s.pooling == .patches {
            let map = outputs[s.stage]!
            if map.rank == 4 {
                let (n, c, h, w) = (map.shape[0], map.shape[1], map.shape[2], map.shape[3])
                result.append(map.permuted([0, 2, 3, 1]).reshaped([n * h * w, c]))
            } else {
                result.append(map)  // pooled, logits: already one vector per image
            }
        }
        return result
    }

    /// The number of tensors `terms` returns: the per-image term(s), then one per `_patches` selection.
    public var termCount: Int {
        let perImage = selections.filter { $0.pooling != .patches }.count
        return (separateBandwidths ? perImage : min(perImage, 1)) + selections.count - perImage
    }

    func maps(_ images: Tensor) -> [EfficientNetLite0.Stage: Tensor] {
        network.features(pixels: images * 255, stages: Set(selections.map(\.stage)))
    }

    func perImage(_ map: Tensor, pooling: Pooling) -> Tensor {
        pooling == .mean && map.rank == 4 ? map.mean(axes: [2, 3]) : map.reshaped([map.shape[0], -1])
    }
}
