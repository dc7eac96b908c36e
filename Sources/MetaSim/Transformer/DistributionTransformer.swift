import Foundation
import NN
import Scene
import Tensor

/// Meta-Sim's distribution transformer G_θ: a graph-convolutional encoder–decoder that maps the
/// encoded features of a batch of scene graphs to new features of the same shape.
///
/// Layer widths run `width → hidden… → width` with ReLU between layers. Per node the output's
/// class part (the first `classCount` columns) is a softmax and the continuous part a sigmoid
/// whose gradient near 0 and 1 passes only inward (`unitIntervalOutput`), so outputs live where
/// encoded features do ([0, 1]) and an attribute whose prior sits on a bound can still move
/// inward. Only entries whose mutability mask is 1
/// take the network's output; every other entry passes the input through unchanged, so a
/// transformer can never change what the grammar marks immutable.
public final class DistributionTransformer: ParameterContainer {
    /// Features per node (the encoding schema's width): the size of the input and output.
    public let width: Int
    /// Leading columns per node that one-hot the class (softmax on output); the rest are continuous.
    public let classCount: Int
    /// The graph convolutions, input to output (`hidden.count + 1` of them).
    public let layers: [GraphConvolution]
    /// Input columns the network does not see, zeroed in its input: class columns
    /// (`TransformerSettings.ignoreClasses`), so a node of one of those classes gets the same
    /// change whatever its class, and attribute columns (`TransformerSettings.ignoreAttributes`),
    /// so the attribute's output depends on the node's context, not on its prior value. The
    /// pass-through of immutable entries (the class itself) is unaffected.
    public let ignoredClassColumns: Set<Int>
    /// Whether the continuous part predicts a change of each input value rather than the value
    /// itself (`TransformerSettings.residual`): the output is `σ(logit(x) + r)` with `r` the
    /// network's raw output and `x` the input clamped to [`residualInputBound`, 1 −
    /// `residualInputBound`], so `r = 0` is the identity. Ignored columns get no skip
    /// (`σ(r)`): the network stays blind to them.
    public let residual: Bool
    /// How close to 0 or 1 an input value is clamped before its logit (residual transformers):
    /// logit(1e-4) ≈ −9.2, where the output head's gradient is floored (`unitIntervalOutput`).
    public static let residualInputBound: Float = 1e-4
    /// How much of the prior's spread the ignored attribute columns keep
    /// (`TransformerSettings.blindSpread`, 0–1): their output is the network's
    /// `unitIntervalOutput(r)` plus `blindSpread · (x − ½)`, x the node's input value
    /// (normalised), so the output spreads around the network's one value per context as the
    /// prior does around its mean, scaled. The sum may leave [0, 1]: decoding wraps or clamps it
    /// into the attribute's range (`AttributeRange.denormalise`). 0: one value per context.
    public let blindSpread: Float

    /// - Precondition: `width ≥ 1`, `0 ≤ classCount ≤ width`, hidden widths ≥ 1, ignored
    ///   columns in `0..<width`, `0 ≤ blindSpread ≤ 1`.
    public init(width: Int, classCount: Int, hidden: [Int], seed: UInt64, ignoredClassColumns: Set<Int> = [], residual: Bool = false,
                blindSpread: Float = 0) {
        precondition(width >= 1 && classCount >= 0 && classCount <= width && hidden.allSatisfy { $0 >= 1 }
                     && ignoredClassColumns.allSatisfy { $0 >= 0 && $0 < width } && blindSpread >= 0 && blindSpread <= 1,
                     "DistributionTransformer: width \(width), classes \(classCount), hidden \(hidden), ignored \(ignoredClassColumns), blind spread \(blindSpread)")
        self.width = width
        self.classCount = classCount
        self.ignoredClassColumns = ignoredClassColumns
        self.residual = residual
        self.blindSpread = blindSpread
        let sizes = [width] + hidden + [width]
        layers = (0..<(sizes.count - 1)).map { GraphConvolution(sizes[$0], sizes[$0 + 1], seed: seed &+ UInt64($0) &* 0x9E37_79B9) }
    }

    /// Encoder layers (all but the decoding half), for freezing after stage 1.
    public var encoderLayers: ArraySlice<GraphConvolution> { layers.prefix(layers.count / 2) }

    /// Every layer's parameters, named `layerI.NAME` (`layer0.self_weight`...).
    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { i, layer in layer.namedParameters.map { ("layer\(i).\($0.name)", $0.parameter) } }
    }

    /// The network's raw last-layer output `[G, N, width]` (logits for the class part,
    /// pre-activation of `unitIntervalOutput` for the rest).
    public func raw(_ features: Tensor, _ graph: GraphOperators) -> Tensor {
        var h = features
        if !ignoredClassColumns.isEmpty {
            h = h * Tensor(shape: [1, 1, width], data: (0..<width).map { ignoredClassColumns.contains($0) ? 0 : 1 })
        }
        for (i, layer) in layers.enumerated() {
            h = layer(h, graph)
            if i < layers.count - 1 { h = h.relu() }
        }
        return h
    }

    /// Activated output: softmax over the class part, `unitIntervalOutput` on the rest (of the
    /// raw output plus, for a residual transformer, the input's logits: `continuous`).
    func activated(_ raw: Tensor, input features: Tensor) -> Tensor {
        if classCount == 0 { return continuous(raw, input: features) }
        let classes = raw.slice(axis: 2, 0..<classCount).softmax(axis: 2)
        if classCount == width { return classes }
        return Tensor.concat([classes, continuous(raw.slice(axis: 2, classCount..<width), input: features)], axis: 2)
    }

    /// The continuous columns' output `[G, N, width − classCount]` from their raw output:
    /// `unitIntervalOutput(raw)`, or with `residual` `unitIntervalOutput(raw + logit(x))` (x the
    /// clamped input; no skip on ignored columns); plus `blindSpread · (x − ½)` on ignored
    /// columns. Neither input term carries gradient.
    func continuous(_ raw: Tensor, input features: Tensor) -> Tensor {
        let n = width - classCount
        var output = raw
        if residual {
            let bound = Self.residualInputBound
            let x = features.data
            var skip = [Float](repeating: 0, count: raw.count)
            for i in skip.indices {
                let column = classCount + i % n
                if ignoredClassColumns.contains(column) { continue }
                let v = Swift.min(Swift.max(x[(i / n) * width + column], bound), 1 - bound)
                skip[i] = Foundation.log(v / (1 - v))
            }
            output = raw + Tensor(shape: raw.shape, data: skip)
        }
        output = output.unitIntervalOutput()
        guard blindSpread > 0 else { return output }
        let blind = (classCount..<width).filter { ignoredClassColumns.contains($0) }
        guard !blind.isEmpty else { return output }
        let x = features.data
        var spread = [Float](repeating: 0, count: raw.count)
        for row in 0..<(raw.count / n) {
            for column in blind { spread[row * n + column - classCount] = blindSpread * (x[row * width + column] - 0.5) }
        }
        return output + Tensor(shape: raw.shape, data: spread)
    }

    /// New features: the network's output where `mask` is 1, the input elsewhere.
    /// `features` and `mask` are `[G, N, width]`.
    public func callAsFunction(_ features: Tensor, mask: Tensor, graph: GraphOperators) -> Tensor {
        precondition(features.shape == mask.shape && features.rank == 3 && features.shape[2] == width,
                     "DistributionTransformer: features \(features.shape), mask \(mask.shape), width \(width)")
        let y = activated(raw(features, graph), input: features)
        return mask * y + (1 - mask) * features.detached
    }

    /// Runs the transformer on an encoded batch.
    public func callAsFunction(_ batch: EncodedBatch) -> Tensor {
        let (x, m, graph) = batch.tensors
        return self(x, mask: m, graph: graph)
    }

    /// Stage 1 losses: how far the output is from the input. `attributes`: mean squared error
    /// over the mutable continuous entries (what the transformer may change; 0 when nothing is
    /// mutable). `classes`: cross-entropy of the class part against each real node's class
    /// (0 without at least 2 classes). Stage 1 minimises `attributes + w · classes` and stops on
    /// `attributes`, the part that reaches the output.
    ///
    /// `shifts` (column → `AttributeShift`) makes the target of those mutable columns the input
    /// moved by the shift (wrapped or clamped): stage 1 then starts the transformer at the prior
    /// with those attributes moved (see `MetaSimTrainer.startSearch`). `blind` replaces the
    /// target of the attributes the transformer does not see by one value per class
    /// (`BlindAttributeTargets`).
    public func reconstructionLosses(_ batch: EncodedBatch, shifts: [Int: AttributeShift] = [:],
                                     blind: BlindAttributeTargets? = nil) -> (attributes: Tensor, classes: Tensor) {
        let (x, m, graph) = batch.tensors
        let raw = raw(x, graph)
        let c = classCount
        var attributes = Tensor(0), classes = Tensor(0)
        if c < width {
            let target = Tensor(shape: batch.featureShape, data: batch.reconstructionTarget(shifts: shifts, blind: blind, classCount: c))
            let mask = m.slice(axis: 2, c..<width)
            let diff = continuous(raw.slice(axis: 2, c..<width), input: x) - target.slice(axis: 2, c..<width)
            attributes = (diff.squared() * mask).sum() / Swift.max(1, mask.data.reduce(0, +))
        }
        if c > 1 {
            var rows: [Int] = [], labels: [Int] = []
            for g in 0..<batch.graphCount {
                for n in 0..<batch.nodeCounts[g] {
                    let row = g * batch.maxNodes + n
                    guard let label = batch.classIndex(row: row, classCount: c) else { continue }  // class outside the schema
                    rows.append(row)
                    labels.append(label)
                }
            }
            if !rows.isEmpty {
                let logits = raw.slice(axis: 2, 0..<c).reshaped([batch.graphCount * batch.maxNodes, c]).gather(axis: 0, indices: rows)
                classes = Tensor.crossEntropyLoss(logits, labels: labels)
            }
        }
        return (attributes, classes)
    }
}

extension EncodedBatch {
    /// Features and mutability mask as `[G, N, width]` tensors, and the batch's message-passing
    /// operators.
    var tensors: (features: Tensor, mask: Tensor, graph: GraphOperators) {
        (Tensor(shape: featureShape, data: features), Tensor(shape: featureShape, data: mutableMask),
         GraphOperators(adjacency: adjacency, graphs: graphCount, nodes: maxNodes))
    }
}
