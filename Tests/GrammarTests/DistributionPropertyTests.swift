import Foundation
import PropertyBased
import Scene
import Testing
@testable import Grammar

/// Property-based checks (swift-property-based) of the distributions grammars sample from, for
/// parameters across Double's whole range: tiny and huge std, far tails, spans past Double's
/// range. Each property is one the sampler relies on to keep scenes inside their declared ranges.
@Suite struct DistributionPropertyTests {
    /// ±m·10^e for e in -300...308 (and some exact zeros; past Double's range: its largest): magnitudes log-uniformly spread.
    static func scaled(_ mantissa: Double, _ exponent: Int) -> Double {
        let x = exponent == -301 ? 0 : mantissa * Foundation.pow(10, Double(exponent))
        return Swift.min(Swift.max(x, -.greatestFiniteMagnitude), .greatestFiniteMagnitude)
    }
    static let mantissa = Gen.double(in: -9.99...9.99)
    static let exponent = Gen.int(in: -301...308)
    static let seed = Gen.uint64()

    @Test func uniformStaysInItsHalfOpenInterval() async {
        await propertyCheck(count: 500, input: Self.mantissa, Self.exponent, Self.mantissa, Self.exponent, Self.seed) { m1, e1, m2, e2, seed in
            let (a, b) = (Self.scaled(m1, e1), Self.scaled(m2, e2))
            let (lo, hi) = (Swift.min(a, b), Swift.max(a, b))
            var rng = RandomSource(seed: seed, stream: 0, index: 0)
            // Also a span past Double's range (hi − lo overflows).
            let huge = Swift.min(abs(Self.scaled(m2, 306 + abs(e2) % 3)) + 1e307, .greatestFiniteMagnitude)
            for (lo, hi) in [(lo, hi), (-huge, huge)] {
                for _ in 0..<20 {
                    let x = rng.uniform(lo, hi)
                    #expect(x.isFinite && x >= lo && (x < hi || lo == hi), "uniform(\(lo), \(hi)) gave \(x)")
                }
            }
        }
    }

    @Test func truncatedGaussianStaysWithinItsBoundsForExtremeParameters() async {
        await propertyCheck(count: 500, input: Self.mantissa, Self.exponent, Gen.int(in: -320...300), Gen.double(in: -2000...2000),
                            Gen.double(in: 0...50), Self.seed) { m, e, stdExponent, offset, width, seed in
            let mean = Self.scaled(m, e)
            let std = stdExponent < -310 ? 0 : Foundation.pow(10, Double(stdExponent))
            // An interval `offset` standard deviations from the mean (far tails included), `width` wide.
            var lower = mean + offset * std, upper = lower + width * std
            if !lower.isFinite || !upper.isFinite || lower > upper { (lower, upper) = (Swift.min(mean, 0), Swift.max(mean, 0)) }
            var rng = RandomSource(seed: seed, stream: 0, index: 1)
            for _ in 0..<10 {
                let x = rng.truncatedGaussian(mean: mean, std: std, lower: lower, upper: upper)
                #expect(x >= lower && x <= upper, "truncatedGaussian(mean \(mean), std \(std), [\(lower), \(upper)]) gave \(x)")
            }
        }
    }

    @Test func farTailDrawsLieNearTheBoundClosestToTheMean() async {
        await propertyCheck(count: 200, input: Gen.double(in: 40...1e6), Gen.double(in: 0.001...10), Self.seed) { distance, width, seed in
            var rng = RandomSource(seed: seed, stream: 0, index: 2)
            let x = rng.truncatedGaussian(mean: 0, std: 1, lower: distance, upper: distance + width)
            // The tail's mass within 1/distance·20 of its start is 1 − e^-20.
            #expect(x >= distance && x <= distance + Swift.min(width, 20 / distance), "tail draw \(x) from [\(distance), \(distance + width)]")
            let y = rng.truncatedGaussian(mean: 0, std: 1, lower: -distance - width, upper: -distance)
            #expect(y <= -distance && y >= -distance - Swift.min(width, 20 / distance), "tail draw \(y)")
        }
    }

    @Test func gaussianIsAlwaysFinite() async {
        await propertyCheck(count: 300, input: Self.mantissa, Self.exponent, Gen.int(in: -300...308), Self.seed) { m, e, stdExponent, seed in
            var rng = RandomSource(seed: seed, stream: 0, index: 3)
            // The std drawn, and one near Double's limit (where mean + std·z overflows).
            for std in [Foundation.pow(10, Double(stdExponent)), 1e308] {
                for _ in 0..<10 {
                    let x = rng.gaussian(mean: Self.scaled(m, e), std: std)
                    #expect(x.isFinite, "gaussian(mean \(Self.scaled(m, e)), std \(std)) gave \(x)")
                }
            }
        }
    }

    @Test func poissonCountsAreNeverNegativeNorAboveTheCap() async {
        await propertyCheck(count: 300, input: Self.mantissa, Self.exponent, Gen.int(in: -5...2000), Self.seed) { m, e, cap, seed in
            var rng = RandomSource(seed: seed, stream: 0, index: 4)
            let n = rng.poisson(lambda: Self.scaled(m, e), cap: cap)
            #expect(n >= 0 && n <= Swift.max(cap, 0), "poisson(\(Self.scaled(m, e)), cap \(cap)) gave \(n)")
        }
    }

    @Test func integerDrawsStayInAnyRange() async {
        await propertyCheck(count: 500, input: Gen.int(), Gen.int(), Self.seed) { a, b, seed in
            var rng = RandomSource(seed: seed, stream: 0, index: 5)
            let range = Swift.min(a, b)...Swift.max(a, b)
            for _ in 0..<10 { #expect(range.contains(rng.integer(in: range))) }
            #expect(RandomSource.extremeIntegerRangeWorks(seed))
        }
    }

    @Test func wrappedAttributesStayInTheirRange() async {
        await propertyCheck(count: 500, input: Self.mantissa, Self.exponent, Self.mantissa, Gen.int(in: -300...300), Gen.double(in: 1e-9...1e3)) { m, e, m2, e2, relativeSpan in
            let value = Self.scaled(m, e)
            let lower = Self.scaled(m2, e2)
            let span = Swift.max(abs(lower) * relativeSpan, 1e-300)
            let upper = lower + span
            guard upper > lower, upper.isFinite else { return }
            let wrapped = AttributeRange(min: lower, max: upper, wrap: true).fit(value)
            #expect(wrapped >= lower && wrapped < upper, "\(value) wrapped into [\(lower), \(upper)) gave \(wrapped)")
            let clamped = AttributeRange(min: lower, max: upper, wrap: false).fit(value)
            #expect(clamped >= lower && clamped <= upper)
        }
    }
}

extension RandomSource {
    /// `integer(in: Int.min...Int.max)` and ranges one short of it stay in range.
    static func extremeIntegerRangeWorks(_ seed: UInt64) -> Bool {
        var rng = RandomSource(seed: seed, stream: 0, index: 6)
        for range in [Int.min...Int.max, (Int.min + 1)...Int.max, Int.min...(Int.max - 1), Int.max...Int.max] {
            guard range.contains(rng.integer(in: range)) else { return false }
        }
        return true
    }
}
