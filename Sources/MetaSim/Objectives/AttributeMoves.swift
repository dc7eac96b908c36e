import Foundation

/// Antithetic estimates of a reward's gradient along a few moves of a whole attribute
/// distribution: for every mutable attribute column j a *shift* δⱼ and a *spread* sⱼ,
///
///     aᵢⱼ(δ, s) = cⱼ + e^{sⱼ}·(μᵢⱼ − cⱼ) + δⱼ,   cⱼ = the mean of μ·ⱼ over the masked entries,
///
/// so a move translates the column's values and contracts (sⱼ < 0) or widens them about their
/// mean. With `u = (δ, s)` ~ `σ·ε`, ε ~ N(0, I) of dimension 2J, and the reward measured at
/// `+σε` and `−σε` on the same scenes (common random numbers), the central-difference estimate
///
///     ĝ = (R(+σε) − R(−σε)) / (2σ) · ε
///
/// is unbiased for ∇ᵤ of the Gaussian-smoothed reward E[R(σε)] at u = 0 (Nesterov & Spokoiny
/// 2017, "Random gradient-free minimization of convex functions", eq. (28); Salimans et al.
/// 2017's antithetic evolution strategies). Unlike per-entry REINFORCE (`ReinforceEstimator`),
/// whose noise grows with the number of sampled entries (thousands of cars), its dimension is 2J
/// (J mutable attributes) whatever the batch, and the antithetic pair cancels the reward's
/// level (no baseline needed) and its even-order terms.
///
/// `entryGradient` carries ĝ to the entries as the step the move `u = ĝ` would make, per entry
/// and averaged over the column: `(ĝ_δⱼ + ĝ_sⱼ·(μᵢⱼ − cⱼ)) / nⱼ` — ascent in the move
/// coordinates (a shift in attribute units, a spread change relative to the current spread),
/// pulled back to G_θ's output, at the scale of a per-entry gradient such as MMD's (a reward
/// that a shift raises by ĝ_δ spread evenly over nⱼ entries gives ∂R/∂aᵢⱼ = ĝ_δ/nⱼ). Unlike
/// the least-norm per-entry gradient, whose spread part divides by Σ(μ − c)², it stays bounded
/// as a column's spread shrinks towards a target's narrow one (the estimator's noise on ĝ_s
/// does not shrink with it).
public struct AttributeMoves: Sendable {
    /// The mutable columns, each a list of flat indices into the `[graphs, nodes, width]` layout.
    public let columns: [[Int]]
    /// Standard deviation σ of a move coordinate (normalised attribute units for δ, log-scale for s). > 0.
    public let sigma: Float

    /// Groups the non-zero entries of `mask` (a flat `[graphs, nodes, width]` mutable mask) by
    /// column (`index % width`), columns in order; columns without a mutable entry are left out.
    /// Preconditions: `width ≥ 1`, `mask.count` a multiple of `width`, `sigma > 0`.
    public init(mask: [Float], width: Int, sigma: Float) {
        precondition(width >= 1 && mask.count % width == 0, "AttributeMoves: mask \(mask.count) vs width \(width)")
        precondition(sigma > 0, "AttributeMoves: sigma must be > 0, got \(sigma)")
        var byColumn = [[Int]](repeating: [], count: width)
        for i in mask.indices where mask[i] != 0 { byColumn[i % width].append(i) }
        columns = byColumn.filter { !$0.isEmpty }
        self.sigma = sigma
    }

    /// Dimension of a move: 2 per column (shift, spread), laid out `[δ₀, s₀, δ₁, s₁, …]`.
    public var dimension: Int { 2 * columns.count }

    /// ε ~ N(0, I) of `dimension` entries.
    public func direction<G: RandomNumberGenerator>(using generator: inout G) -> [Float] {
        var out: [Float] = []
        while out.count < dimension {
            let (a, b) = standardNormalPair(using: &generator)
            out.append(a)
            if out.count < dimension { out.append(b) }
        }
        return out
    }

    /// `mean` with the move `u` (`dimension` entries: δⱼ, sⱼ per column) applied to the
    /// mutable entries; other entries unchanged.
    public func apply(_ u: [Float], to mean: [Float]) -> [Float] {
        precondition(u.count == dimension, "AttributeMoves.apply: move of \(u.count), expected \(dimension)")
        var out = mean
        for (j, column) in columns.enumerated() {
            let centre = self.centre(column, of: mean)
            let scale = Float(exp(Double(u[2 * j + 1])))
            for i in column { out[i] = centre + scale * (mean[i] - centre) + u[2 * j] }
        }
        return out
    }

    /// The antithetic estimate ĝ = (R₊ − R₋)/(2σ)·ε for a pair measured at `+σε` and `−σε`.
    public func gradient(direction epsilon: [Float], rewardPlus: Double, rewardMinus: Double) -> [Float] {
        precondition(epsilon.count == dimension, "AttributeMoves.gradient: direction of \(epsilon.count), expected \(dimension)")
        let factor = Float((rewardPlus - rewardMinus) / (2 * Double(sigma)))
        return epsilon.map { factor * $0 }
    }

    /// ĝ carried to the entries of `mean` (see the type's notes): `(ĝ_δⱼ + ĝ_sⱼ·(μᵢⱼ − cⱼ)) / nⱼ`
    /// on column j's nⱼ entries, 0 elsewhere.
    public func entryGradient(_ g: [Float], mean: [Float]) -> [Float] {
        precondition(g.count == dimension, "AttributeMoves.entryGradient: gradient of \(g.count), expected \(dimension)")
        var out = [Float](repeating: 0, count: mean.count)
        for (j, column) in columns.enumerated() {
            let centre = self.centre(column, of: mean)
            for i in column { out[i] = (g[2 * j] + g[2 * j + 1] * (mean[i] - centre)) / Float(column.count) }
        }
        return out
    }

    func centre(_ column: [Int], of values: [Float]) -> Float {
        column.reduce(Float(0)) { $0 + values[$1] } / Float(column.count)
    }
}
