import Scene

/// A move of one encoded attribute column, in normalised units, applied to its mutable entries
/// (the start searches, `MetaSimTrainer.startSearch` / `phaseSearch`, pick them; stage 1 then
/// re-centres the transformer on the moved prior).
public struct AttributeShift: Codable, Sendable, Equatable {
    /// The move in normalised units (a yaw range of 360° spans 1: 0.25 turns by 90°).
    public var amount: Float
    /// True for a wrapping attribute (angles): moved values wrap back into [0, 1). Otherwise they
    /// are clamped to [`AttributeShift.margin`, 1 − margin], inside the transformer's sigmoid head.
    public var wraps: Bool

    /// The share of the prior's spread a bounded attribute keeps (in (0, 1]; nil: all of it):
    /// values draw towards `centre` by this factor before the move, so a wide prior becomes a
    /// narrow distribution around the moved mean (a start search's `spreads`).
    public var spread: Float?
    /// The value the spread contracts towards (normalised: the prior's mean over the reference
    /// sample); used only with `spread`.
    public var centre: Float?

    /// How far inside [0, 1] a moved bounded value stays (normalised units): a sigmoid output
    /// reaches neither bound, so stage 1 could not reproduce a value on one.
    public static let margin: Float = 0.01

    public init(amount: Float, wraps: Bool) {
        self.amount = amount
        self.wraps = wraps
    }

    /// A bounded attribute's move by `amount` with its values first drawn towards `centre`
    /// (normalised) to keep `spread` (in (0, 1]) of their distance from it.
    public init(amount: Float, spread: Float, centre: Float) {
        self.init(amount: amount, wraps: false)
        self.spread = spread
        self.centre = centre
    }

    /// `value` (normalised) moved by `amount`, wrapped or clamped; with `spread`,
    /// `centre + spread · (value − centre) + amount`, clamped.
    public func apply(_ value: Float) -> Float {
        var moved = value + amount
        if let spread, let centre { moved = centre + spread * (value - centre) + amount }
        if wraps { return moved - moved.rounded(.down) }
        return Swift.min(Swift.max(moved, Self.margin), 1 - Self.margin)
    }

    /// This move with `amount` replaced (the spread kept).
    func moved(by amount: Float) -> AttributeShift {
        var out = self
        out.amount = amount
        return out
    }
}

extension EncodedBatch {
    /// The features with the MUTABLE entries of some columns moved (column → shift); other
    /// entries unchanged.
    func features(shiftedBy shifts: [Int: AttributeShift]) -> [Float] {
        var out = features
        for (column, shift) in shifts {
            for row in 0..<(graphCount * maxNodes) where mutableMask[row * width + column] != 0 {
                out[row * width + column] = shift.apply(out[row * width + column])
            }
        }
        return out
    }

    /// Mean of the mutable entries of `column` (normalised units; nil when there are none).
    func mutableMean(column: Int) -> Float? {
        var sum: Float = 0, count = 0
        for row in 0..<(graphCount * maxNodes) where mutableMask[row * width + column] != 0 {
            let v = features[row * width + column]
            if v.isFinite { sum += v; count += 1 }
        }
        return count == 0 ? nil : sum / Float(count)
    }
}
