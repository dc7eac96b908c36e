import Tensor

/// Restricts an objective to some attributes of G_θ's output: the encoding columns it may move.
/// Built from names by the trainer (`MetaSimTrainer.mutableColumns`); nil columns elsewhere
/// mean "every mutable attribute".
struct AttributeColumnMask {
    /// Encoding columns the objective acts on.
    let columns: Set<Int>

    /// `output` (rows of `width` columns, any leading shape) unchanged, with the gradient that
    /// reaches it through the result zeroed outside `columns`: the objective behind the result
    /// sees every attribute but moves only these.
    func passingGradient(_ output: Tensor, width: Int) -> Tensor {
        let keep = (0..<output.count).map { columns.contains($0 % width) ? Float(1) : 0 }
        let shape = output.shape
        return Tensor.custom(inputs: [output], output: Tensor(shape: shape, data: output.data)) { g in
            [Tensor(shape: shape, data: zip(g.data, keep).map { $0 * $1 })]
        }
    }

    /// `mutableMask` (1 at mutable entries, rows of `width`) with entries outside `columns` set to 0.
    func restricting(_ mutableMask: [Float], width: Int) -> [Float] {
        mutableMask.enumerated().map { columns.contains($0.offset % width) ? $0.element : 0 }
    }
}
