import Foundation
import Tensor

extension Tensor {
    /// How close to 0 or 1 (normalised units) an output of `unitIntervalOutput` must be for a
    /// gradient that would push it further out to be dropped.
    static let outputBoundMargin: Float = 0.01

    /// The transformer's attribute head: the logistic function `1 / (1 + e^−x)` elementwise,
    /// whose gradient is one-sided near the bounds. Inside [m, 1 − m] (m = `outputBoundMargin`)
    /// it is `g · y(1 − y)`. Within m of 0 (or 1), an upstream gradient `g` that a descent step
    /// would follow outward (`g > 0` near 0, `g < 0` near 1) is dropped, and an inward one
    /// passes as `g · m(1 − m)`, the slope at the margin, however deep the output sits
    /// (a straight-through floor: it does not vanish with y(1 − y)).
    ///
    /// Why: a plain sigmoid keeps passing the outward gradient of an attribute whose prior sits
    /// on a bound of its range (reconstructing 0 in stage 1, or an MMD gradient pointing out of
    /// the range), and Adam, whose steps do not shrink with the gradient, drives the
    /// pre-activation ever further: y(1 − y) vanishes and the attribute can never move inward
    /// again (issue 10: a background level stuck at 5e-11 against a target of 0.12). Dropping
    /// the outward part near a bound stops pushing it out, and the floor lets an inward gradient
    /// bring it back even when Adam's momentum carried it deep; elsewhere the head stays a
    /// sigmoid (whose damping near the bounds keeps an overshooting step inside, where a hard
    /// clamp would land on the bound). Outputs lie in (0, 1); NaN passes through.
    func unitIntervalOutput() -> Tensor {
        let margin = Tensor.outputBoundMargin
        let y = Tensor(shape: shape, data: data.map { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) })
        return Tensor.custom(inputs: [self], output: y) { g in
            let floor = margin * (1 - margin)
            let grad = zip(g.data, y.data).map { g, v -> Float in
                guard v < margin || v > 1 - margin else { return g * v * (1 - v) }
                return (v < margin) == (g > 0) ? 0 : g * floor  // outward dropped, inward floored
            }
            return [Tensor(shape: g.shape, data: grad)]
        }
    }
}
