import Scene
import Tensor

/// Keeps attributes that no stage-2 objective moves where stage 1 put them
/// (`matching.hold_weight`): the stage-1 reconstruction error restricted to those attributes,
/// added to the matching objective.
///
/// Why: `matching.mmd_attributes` stops MMD²'s gradient from reaching the other attributes'
/// outputs, but they share G_θ's hidden layers with the ones it moves, so they drift as those
/// are learned (driving: camera pitch chosen at 2.5° by the start search, 1.1° after matching).
/// This term is at its minimum at the end of stage 1 (0, up to stage 1's remaining error) and
/// pulls the held outputs back there. An attribute G_θ is blind to (`transformer.ignore_attributes`)
/// is aimed at its one value per class (`BlindAttributeTargets`): the value the start search chose.
struct AttributeHold {
    /// The held encoding columns.
    let columns: AttributeColumnMask
    /// Weight of the term in the matching objective (> 0).
    let weight: Float
    /// Stage 1's shifts (column → shift; empty when it reproduced the prior unmoved): the
    /// held target is stage 1's, the input moved by them (`DistributionTransformer.reconstructionLosses`).
    let shifts: [Int: AttributeShift]
    /// Stage 1's targets of the attributes G_θ is blind to (nil: none).
    let blind: BlindAttributeTargets?
    /// The encoding's class columns (the first `classCount`).
    let classCount: Int

    /// Mean squared distance (normalised units²) of `output` (G_θ's output `[G, N, width]` for
    /// `batch`, with gradient) from stage 1's target, over the mutable entries of the held
    /// columns; 0 when the batch has none.
    func loss(_ output: Tensor, batch: EncodedBatch) -> Tensor {
        let mask = columns.restricting(batch.mutableMask, width: batch.width)
        let count = mask.reduce(0, +)
        guard count > 0 else { return Tensor(0) }
        let target = Tensor(shape: batch.featureShape, data: batch.reconstructionTarget(shifts: shifts, blind: blind, classCount: classCount))
        return ((output - target).squared() * Tensor(shape: batch.featureShape, data: mask)).sum() / count
    }
}
