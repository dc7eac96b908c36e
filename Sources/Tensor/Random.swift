/// A small, fast, seedable generator (SplitMix64), so tensors can be initialised and dropped
/// out reproducibly: same seed, same numbers, on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The whole generator state; advanced by a fixed odd constant on every `next()`.
    public var state: UInt64
    /// Starts the sequence at `seed` (any value, 0 included, is a valid seed).
    public init(seed: UInt64) { state = seed }
    /// Next 64 random bits: the SplitMix64 step and output mix of Steele, Lea & Flood,
    /// "Fast Splittable Pseudorandom Number Generators" (OOPSLA 2014).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func nextUniform() -> Float { Float(next() >> 40) * (1 / Float(1 << 24)) }
    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = Swift.max(nextUniform(), Float.leastNormalMagnitude), u2 = nextUniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Float.pi * u2)
    }
}

extension Tensor {
    /// Uniform samples in [lo, hi).
    public static func uniform(_ shape: [Int], lo: Float = 0, hi: Float = 1, rng: inout SplitMix64) -> Tensor {
        Tensor(shape: shape, data: (0..<shapeCount(shape)).map { _ in lo + (hi - lo) * rng.nextUniform() })
    }
    /// Normal samples with mean `mean` and standard deviation `std`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout SplitMix64) -> Tensor {
        Tensor(shape: shape, data: (0..<shapeCount(shape)).map { _ in mean + std * rng.nextNormal() })
    }

    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by
    /// 1/(1−p). p = 0 returns self; p = 1 returns zeros.
    /// - Precondition: 0 ≤ p ≤ 1.
    public func dropout(_ p: Float, rng: inout SplitMix64) -> Tensor {
        precondition(p >= 0 && p <= 1, "dropout: probability \(p) not in [0, 1]")
        if p == 0 { return self }
        let keep = p >= 1 ? 0 : 1 / (1 - p)
        let mask = Tensor(uncheckedShape: shape, data: (0..<count).map { _ in rng.nextUniform() < p ? 0 : keep })
        return self * mask
    }
}
import Foundation
