import Datasets
import Diagnostics
import Foundation
import NN
import Tensor

/// One saved point of a training run, in memory: the state, the transformer's weights (name →
/// tensor) and, for matching checkpoints, the optimiser's state. What `RunSink.saveCheckpoint`
/// receives and `MetaSimTrainer.resume(from:)` continues from.
public struct TrainingCheckpoint {
    /// Which grammar and network the weights belong to, and how far training went.
    public var state: CheckpointState
    /// The transformer's parameters by name (`layerI.NAME`).
    public var weights: [String: Tensor]
    /// Adam's state for matching checkpoints; nil otherwise.
    public var optimizer: AdamState?

    /// Bundles the parts, unchecked.
    public init(state: CheckpointState, weights: [String: Tensor], optimizer: AdamState? = nil) {
        self.state = state
        self.weights = weights
        self.optimizer = optimizer
    }

    /// Largest weight magnitude a checkpoint may hold: trained weights are of order 1; values
    /// past this (or not finite) come from a diverged training, and give garbage generators.
    public static let largestWeight: Float = 1e6

    /// Reads `BASE.json` and `BASE.safetensors`. Throws `InputError` naming the file: missing or
    /// malformed state, sizes past `ExperimentLimits` (checked before anything is allocated from
    /// them), a weights file from another save than the state (an interrupted write), weights
    /// that are not finite or implausibly large (a diverged training), or weights that do not
    /// fit the state's network.
    public static func load(from base: String) throws -> TrainingCheckpoint {
        let statePath = base + ".json", weightsPath = base + ".safetensors"
        let size = (try? FileManager.default.attributesOfItem(atPath: statePath)[.size] as? Int) ?? nil
        if let size, size > 64 << 20 {
            throw InputError(file: statePath, message: "a checkpoint state of \(size) bytes is not one `metasim train` writes")
        }
        guard let data = FileManager.default.contents(atPath: statePath) else {
            throw InputError(file: statePath, message: "no checkpoint state here (is this a `metasim train` run folder?)")
        }
        let state: CheckpointState
        do {
            state = try JSONDecoder().decode(CheckpointState.self, from: data)
        } catch {
            throw InputError(file: statePath, message: "malformed checkpoint state: \(error)")
        }
        let problems = state.problems
        if !problems.isEmpty { throw InputErrors(problems.map { InputError(file: statePath, path: $0.path, message: $0.message) }) }
        try checkWeightsChecksum(state, statePath: statePath, weightsPath: weightsPath)
        let file = try SafetensorsFile(path: weightsPath)
        if let key = file.metadata["checkpoint"], key != state.saveKey {
            throw InputError(file: weightsPath, message: "these weights are from another save than \(statePath) (\(key) vs \(state.saveKey)): a checkpoint write was interrupted (the run's `--resume` uses the newest whole checkpoint; or name one of checkpoints/)")
        }
        let all = try file.allTensors()
        var weights: [String: Tensor] = [:]
        var moments: [String: Tensor] = [:]
        for (name, tensor) in all {
            if name.hasPrefix(OptimizerTensors.prefix) { moments[name] = tensor } else { weights[name] = tensor }
        }
        let needed = DistributionTransformer.parameterCount(width: state.schema.width, hidden: state.hidden)
        let held = weights.values.reduce(0) { $0 + $1.count }
        guard needed == held else {
            throw InputError(file: weightsPath, message: "holds \(held) weights, but the network of \(statePath) (width \(state.schema.width), hidden \(state.hidden)) has \(needed.map(String.init) ?? "too many")")
        }
        for name in weights.keys.sorted() {
            if let bad = weights[name]!.data.first(where: { !$0.isFinite || abs($0) > largestWeight }) {
                throw InputError(file: weightsPath, path: name, message: bad.isFinite
                    ? "weight \(bad) is implausibly large (|w| > \(largestWeight)): the training diverged; use an earlier checkpoint"
                    : "non-finite weights (\(bad)): the training diverged; use an earlier checkpoint")
            }
        }
        var optimizer: AdamState?
        if let steps = file.metadata[OptimizerTensors.stepsKey] {
            guard let count = Int(steps), count >= 0 else {
                throw InputError(file: weightsPath, path: OptimizerTensors.stepsKey, message: "not a step count: \(steps)")
            }
            let n = moments.count / 2
            var m: [[Float]] = [], v: [[Float]] = []
            for i in 0..<n {
                guard let mi = moments[OptimizerTensors.m(i)], let vi = moments[OptimizerTensors.v(i)] else {
                    throw InputError(file: weightsPath, path: OptimizerTensors.m(i), message: "optimiser state incomplete")
                }
                m.append(mi.data)
                v.append(vi.data)
            }
            optimizer = AdamState(stepCount: count, m: m, v: v)
        }
        return TrainingCheckpoint(state: state, weights: weights, optimizer: optimizer)
    }

    /// Throws an `InputError` naming `weightsPath` when the state records a SHA-256 of its
    /// weights file (`weightsSHA256`) and the file's differs: the weights are damaged, or from
    /// another save (an interrupted write: said so when their metadata names another save).
    static func checkWeightsChecksum(_ state: CheckpointState, statePath: String, weightsPath: String) throws {
        guard let expected = state.weightsSHA256, FileManager.default.fileExists(atPath: weightsPath) else { return }
        let actual = try DatasetChecksums.sha256(ofFile: weightsPath)
        guard actual != expected else { return }
        if let key = (try? SafetensorsFile(path: weightsPath))?.metadata["checkpoint"], key != state.saveKey {
            throw InputError(file: weightsPath, message: "these weights are from another save than \(statePath) (\(key) vs \(state.saveKey)): a checkpoint write was interrupted (the run's `--resume` uses the newest whole checkpoint; or name one of checkpoints/)")
        }
        throw InputError(file: weightsPath, message: "damaged: its SHA-256 is \(actual), but \(statePath) records \(expected) for the weights saved with it; use another checkpoint (checkpoints/) or train again")
    }

    /// A transformer of the state's shape holding the weights. Throws `InputError` (naming
    /// `source`) when a weight is missing or of the wrong shape.
    public func transformer(source: String = "<memory>") throws -> DistributionTransformer {
        guard DistributionTransformer.parameterCount(width: state.schema.width, hidden: state.hidden) != nil,
              state.problems.isEmpty else {
            throw InputError(file: source, message: "the checkpoint's network (width \(state.schema.width), hidden \(state.hidden)) is out of bounds")
        }
        let transformer = DistributionTransformer(width: state.schema.width, classCount: state.schema.classes.count,
                                                  hidden: state.hidden, seed: 0,
                                                  ignoredClassColumns: Set(state.ignoredClassColumns ?? []),
                                                  residual: state.residual ?? false,
                                                  blindSpread: Float(state.blindSpread ?? 0))
        try transformer.load(weights, source: source)
        return transformer
    }
}

extension DistributionTransformer {
    /// Number of weights of a transformer of this shape, or nil when a width is below 1 or the
    /// count overflows. Each graph convolution `in → out` has `3·in·out + out + 2·in + 2`.
    public static func parameterCount(width: Int, hidden: [Int]) -> Int? {
        let sizes = [width] + hidden + [width]
        guard sizes.allSatisfy({ $0 >= 1 }) else { return nil }
        var total = 0
        for i in 0..<(sizes.count - 1) {
            let (a, b) = (sizes[i], sizes[i + 1])
            let (ab, o1) = a.multipliedReportingOverflow(by: b)
            let (ab3, o2) = ab.multipliedReportingOverflow(by: 3)
            let (sum, o3) = total.addingReportingOverflow(ab3)
            if o1 || o2 || o3 { return nil }
            total = sum + b + 2 * a + 2
        }
        return total
    }
}
