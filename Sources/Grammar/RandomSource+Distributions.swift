import Foundation

/// The distributions the grammar samples from, implemented here explicitly (Box–Muller,
/// inverse CDF by bisection, Knuth's Poisson) so that results depend only on `RandomSource`.
extension RandomSource {
    /// A uniform double in [min, max). Returns `min` when `min == max`. Spans past Double's
    /// range (`max - min` overflows) are interpolated without overflow; a draw that rounds up
    /// to `max` gives the largest double below it.
    public mutating func uniform(_ min: Double, _ max: Double) -> Double {
        let u = unit()
        let span = max - min
        let x = span.isFinite ? min + span * u : min * (1 - u) + max * u
        return x >= max && min < max ? max.nextDown : Swift.max(x, min)
    }

    /// A uniform integer in `range`, both ends included, for any bounds (`Int.min...Int.max`
    /// too: the width is computed without overflow).
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
        if width == .max { return Int(Int64(bitPattern: next())) }
        var m = next().multipliedFullWidth(by: width + 1)     // Lemire's method, as `below`
        if m.low < width + 1 {
            let threshold = (0 &- (width + 1)) % (width + 1)
            while m.low < threshold { m = next().multipliedFullWidth(by: width + 1) }
        }
        return range.lowerBound &+ Int(Int64(bitPattern: m.high))
    }

    /// A standard normal draw (Box–Muller, cosine branch; two uniforms per draw).
    public mutating func standardNormal() -> Double {
        let u1 = openUnit()
        let u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// A normal draw with `mean` and `std` (std 0 gives `mean`). Saturates at ±`greatestFiniteMagnitude`
    /// instead of overflowing to infinity (a std near Double's limit).
    public mutating func gaussian(mean: Double, std: Double) -> Double {
        let x = mean + std * standardNormal()
        return x.isInfinite ? (x > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) : x
    }

    /// A normal draw truncated to [lower, upper]: always inside the interval. Rejection
    /// sampling when the interval holds at least 5 % of the mass, else inverse-CDF sampling
    /// (accurate far in the tails); past about 37 standard deviations, where Φ underflows, the
    /// tail's exponential approximation from the bound nearest the mean. `std == 0` gives
    /// `mean` clamped to the interval. Precondition: `lower <= upper`.
    public mutating func truncatedGaussian(mean: Double, std: Double, lower: Double, upper: Double) -> Double {
        precondition(lower <= upper, "truncatedGaussian: lower > upper")
        let x = unclampedTruncatedGaussian(mean: mean, std: std, lower: lower, upper: upper)
        return Swift.min(Swift.max(x, lower), upper)   // rounding of mean + std·z at the bounds
    }

    private mutating func unclampedTruncatedGaussian(mean: Double, std: Double, lower: Double, upper: Double) -> Double {
        if std <= 0 || lower == upper { return mean }
        let a = (lower - mean) / std, b = (upper - mean) / std
        let mass = RandomSource.normalCDF(b) - RandomSource.normalCDF(a)
        if mass >= 0.05 {
            for _ in 0..<1000 {
                let z = standardNormal()
                if z >= a && z <= b { return mean + std * z }
            }
        }
        // Work in the lower tail, where the CDF keeps its precision: flip when the interval is above 0.
        let flip = a > 0
        let (lo, hi) = flip ? (-b, -a) : (a, b)
        let cLo = RandomSource.normalCDF(lo), cHi = RandomSource.normalCDF(hi)
        if !(cHi > cLo) && hi < -8 {
            // Φ underflows (or cannot tell the bounds apart) this far out: the tail below hi is
            // close to exponential with rate |hi|.
            guard hi.isFinite else { return flip ? lower : upper }   // std too small to express the distance
            let z = Swift.max(lo, hi + Foundation.log(openUnit()) / -hi)
            return mean + std * (flip ? -z : z)
        }
        let target = cLo + (cHi - cLo) * unit()
        let z = RandomSource.inverseNormalCDF(target, lower: lo, upper: hi)
        return mean + std * (flip ? -z : z)
    }

    /// A Poisson draw with mean `lambda` (Knuth's product method, in chunks of mean ≤ 30 whose
    /// sum is Poisson too), capped at `cap`. `lambda <= 0` or NaN, or `cap <= 0`, gives 0:
    /// never negative.
    public mutating func poisson(lambda: Double, cap: Int) -> Int {
        guard lambda > 0, cap > 0 else { return 0 }
        var remaining = lambda
        var total = 0
        while remaining > 0 && total < cap {
            let chunk = Swift.min(remaining, 30)
            remaining -= chunk
            let limit = Foundation.exp(-chunk)
            var product = unit()
            while product > limit {
                total += 1
                product *= unit()
            }
        }
        return Swift.min(total, cap)
    }

    /// An index drawn with probabilities proportional to the increments of `cumulative`
    /// (non-decreasing, last element > 0). Precondition: `cumulative` not empty.
    public mutating func categoricalIndex(cumulative: [Double]) -> Int {
        precondition(!cumulative.isEmpty, "categoricalIndex: no categories")
        let u = unit() * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {  // first index with cumulative > u
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Φ(x), the standard normal CDF.
    static func normalCDF(_ x: Double) -> Double {
        0.5 * Foundation.erfc(-x / 2.0.squareRoot())
    }

    /// Φ⁻¹(p) restricted to [lower, upper], by bisection (deterministic, ~1e-12 precision).
    static func inverseNormalCDF(_ p: Double, lower: Double, upper: Double) -> Double {
        var lo = Swift.max(lower, -40), hi = Swift.min(upper, 40)
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid == lo || mid == hi { break }
            if normalCDF(mid) < p { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }
}
