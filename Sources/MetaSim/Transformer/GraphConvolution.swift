import NN
import Tensor

/// One graph-convolution layer over directed scene graphs (Meta-Sim's distribution transformer).
///
/// For node features `H` (`[G, N, in]`, a batch of G graphs padded to N nodes):
///
///     H' = H·W_self + b
///        + P_down · (σ(H·g_down + c_down) ⊙ H·W_down)   // messages parent → child
///        + P_up   · (σ(H·g_up   + c_up)   ⊙ H·W_up)     // messages child → parent
///
/// Each message is scaled by a learned sigmoid gate of its *sending* node. `P_down[c, p]` is
/// `1 / in-degree(c)` for each edge p → c and `P_up[p, c]` is `1 / out-degree(p)`, so neighbour
/// sums are degree-normalised; both come from `GraphOperators` and carry no gradient. Padded
/// nodes have no edges, so they send and receive nothing.
public final class GraphConvolution: ParameterContainer {
    /// `W_self`, `W_down`, `W_up`: `[inputs, outputs]`; `b`: `[outputs]` (starts at zero).
    public let selfWeight, bias, downWeight, upWeight: Parameter
    /// Gates `g_down`, `g_up`: `[inputs, 1]`; their biases `c_down`, `c_up`: `[1]` (start at zero).
    public let downGate, downGateBias, upGate, upGateBias: Parameter
    /// Feature widths per node before and after the layer.
    public let inputs: Int, outputs: Int

    /// A layer from `inputs` to `outputs` features per node. Weights and gates start uniform in
    /// ±1/√inputs (drawn from `seed`), biases at zero.
    public init(_ inputs: Int, _ outputs: Int, seed: UInt64) {
        self.inputs = inputs
        self.outputs = outputs
        var rng = SplitMix64(seed: seed)
        let bound = 1 / Float(max(inputs, 1)).squareRoot()
        func uniform(_ shape: [Int]) -> Parameter { Parameter(Tensor.uniform(shape, lo: -bound, hi: bound, rng: &rng)) }
        selfWeight = uniform([inputs, outputs])
        bias = Parameter(Tensor.zeros([outputs]))
        downWeight = uniform([inputs, outputs])
        upWeight = uniform([inputs, outputs])
        downGate = uniform([inputs, 1])
        downGateBias = Parameter(Tensor.zeros([1]))
        upGate = uniform([inputs, 1])
        upGateBias = Parameter(Tensor.zeros([1]))
    }

    /// `h`: `[G, N, inputs]` → `[G, N, outputs]`.
    public func callAsFunction(_ h: Tensor, _ graph: GraphOperators) -> Tensor {
        precondition(h.rank == 3 && h.shape[2] == inputs,
                     "GraphConvolution: input shape \(h.shape) does not end in \(inputs) features")
        let (g, n) = (h.shape[0], h.shape[1])
        let flat = h.reshaped([g * n, inputs])
        func messages(_ weight: Parameter, _ gate: Parameter, _ gateBias: Parameter) -> Tensor {
            let gated = (flat.matmul(gate.value) + gateBias.value).sigmoid() * flat.matmul(weight.value)
            return gated.reshaped([g, n, outputs])
        }
        let own = (flat.matmul(selfWeight.value) + bias.value).reshaped([g, n, outputs])
        return own
            + graph.down.matmul(messages(downWeight, downGate, downGateBias))
            + graph.up.matmul(messages(upWeight, upGate, upGateBias))
    }

    /// The eight parameters in snake_case (`self_weight`, `down_gate_bias`...), in a fixed order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("self_weight", selfWeight), ("bias", bias), ("down_weight", downWeight), ("up_weight", upWeight),
         ("down_gate", downGate), ("down_gate_bias", downGateBias), ("up_gate", upGate), ("up_gate_bias", upGateBias)]
    }
}

/// The degree-normalised message-passing matrices of a batch of graphs, built once per batch
/// from its adjacency (`[G, N, N]`, 1 at `[g, parent, child]`). Constants: no gradient.
public struct GraphOperators {
    /// `[G, N, N]`: row c averages over c's parents.
    public let down: Tensor
    /// `[G, N, N]`: row p averages over p's children.
    public let up: Tensor

    /// Builds both operators from `adjacency` (`g × n × n`, row-major, non-zero at
    /// `[graph, parent, child]`); nodes without parents or children get zero rows.
    /// Precondition: `adjacency.count == g · n · n`.
    public init(adjacency: [Float], graphs g: Int, nodes n: Int) {
        precondition(adjacency.count == g * n * n, "GraphOperators: adjacency of \(adjacency.count) values is not \(g)×\(n)×\(n)")
        var down = [Float](repeating: 0, count: g * n * n)
        var up = [Float](repeating: 0, count: g * n * n)
        for b in 0..<g {
            let base = b * n * n
            for p in 0..<n {
                var children: Float = 0
                for c in 0..<n { children += adjacency[base + p * n + c] }
                guard children > 0 else { continue }
                for c in 0..<n where adjacency[base + p * n + c] != 0 { up[base + p * n + c] = 1 / children }
            }
            for c in 0..<n {
                var parents: Float = 0
                for p in 0..<n { parents += adjacency[base + p * n + c] }
                guard parents > 0 else { continue }
                for p in 0..<n where adjacency[base + p * n + c] != 0 { down[base + c * n + p] = 1 / parents }
            }
        }
        self.down = Tensor(shape: [g, n, n], data: down)
        self.up = Tensor(shape: [g, n, n], data: up)
    }
}
