import Scene

extension EncodedBatch {
    /// The features with the MUTABLE entries of some columns moved by a shift in normalised
    /// units and wrapped back into [0, 1) (for wrapping attributes such as angles: a shift of
    /// 0.25 on a yaw range of 360° turns every digit by 90°). Other entries are unchanged.
    func features(shiftedBy shifts: [Int: Float]) -> [Float] {
        var out = features
        for (column, shift) in shifts {
            for row in 0..<(graphCount * maxNodes) where mutableMask[row * width + column] != 0 {
                let moved = out[row * width + column] + shift
                out[row * width + column] = moved - moved.rounded(.down)
            }
        }
        return out
    }
}
