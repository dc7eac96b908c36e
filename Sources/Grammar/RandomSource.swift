/// Deterministic pseudo-random numbers: xoshiro256** seeded through SplitMix64.
///
/// Every random draw in MetaSim comes from a `RandomSource` derived from
/// `(seed, stream, index)` by hashing, so sample `i` of a run is the same whatever the thread
/// count or the split of the run into parts. Nothing here uses the Swift standard library's
/// random algorithms, whose results may change between releases.
public struct RandomSource: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose 256-bit state is filled by SplitMix64 from `seed`.
    public init(seed: UInt64) {
        var sm = seed
        s0 = RandomSource.splitMix64(&sm)
        s1 = RandomSource.splitMix64(&sm)
        s2 = RandomSource.splitMix64(&sm)
        s3 = RandomSource.splitMix64(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }  // the all-zero state is a fixed point
    }

    /// The generator of item `index` of stream `stream` of a run seeded with `seed`.
    /// Streams separate independent uses (0: grammar sampling; others are free for callers).
    /// Negative indices are allowed and distinct from the non-negative ones.
    public init(seed: UInt64, stream: UInt64, index: Int) {
        var h = RandomSource.mix(seed ^ 0x6A09_E667_F3BC_C908)
        h = RandomSource.mix(h ^ RandomSource.mix(stream &+ 0xBB67_AE85_84CA_A73B))
        h = RandomSource.mix(h ^ RandomSource.mix(UInt64(bitPattern: Int64(index)) &+ 0x3C6E_F372_FE94_F82B))
        self.init(seed: h)
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1), 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform double in (0, 1): never exactly 0, safe for logarithms.
    public mutating func openUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's method).
    /// Precondition: `bound > 0`.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "RandomSource.below: bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// One SplitMix64 step: advances `state` and returns the next output.
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// SplitMix64's finaliser: a bijective 64-bit mixing function.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
