import Tensor

extension Tensor {
    /// The transformer's attribute head: `clamp(0.5 + x / 4, 0, 1)` elementwise (a hard
    /// sigmoid: the logistic function's value and slope at 0, exact 0 and 1 at x = ∓2), so an
    /// output can sit exactly on a bound of its attribute's range.
    ///
    /// Gradient: 1/4 inside. At a bound the clamp passes the upstream gradient `g` through
    /// (times 1/4) only when a descent step moves the value back inside (`g < 0` at 0, `g > 0`
    /// at 1; a one-sided straight-through estimator, Bengio et al. 2013), and 0 otherwise. A
    /// sigmoid's gradient `y(1 − y)` vanishes at the bounds: an attribute whose prior lies on a
    /// bound was reconstructed by a saturated pre-activation and could never move inward
    /// (issue 10: a background level stuck at 5e-11 against a target of 0.12). NaN passes through.
    func unitIntervalOutput() -> Tensor {
        let x = self
        let y = Tensor(shape: shape, data: data.map { Swift.min(Swift.max(0.5 + $0 / 4, 0), 1) })
        return Tensor.custom(inputs: [x], output: y) { g in
            let grad = zip(g.data, y.data).map { g, v -> Float in
                if v <= 0 { return g < 0 ? g / 4 : 0 }
                if v >= 1 { return g > 0 ? g / 4 : 0 }
                return g / 4
            }
            return [Tensor(shape: g.shape, data: grad)]
        }
    }
}
