/// Channel-count conversions between grey, RGB and RGBA.
extension Image {
    /// ITU-R BT.601 luma weights used for RGB → grey (the same as PIL's `convert("L")`).
    public static let lumaWeights: (r: Float, g: Float, b: Float) = (0.299, 0.587, 0.114)

    /// This image with `channels` channels (1, 3 or 4; returns `self` when equal).
    ///
    /// - grey → RGB repeats the value; grey or RGB → RGBA adds alpha 1.
    /// - RGB → grey takes the luma (`lumaWeights`).
    /// - RGBA → RGB or grey composites over black first (colour × alpha), so transparent
    ///   pixels become 0, as on a renderer's black background.
    ///
    /// Precondition: `channels` and `self.channels` are 1, 3 or 4.
    public func converted(toChannels channels: Int) -> Image {
        precondition([1, 3, 4].contains(channels) && [1, 3, 4].contains(self.channels),
                     "Image.converted: channels must be 1, 3 or 4")
        if channels == self.channels { return self }
        let count = width * height
        var out = [Float](repeating: 0, count: count * channels)
        let source = self.channels
        let weights = Image.lumaWeights
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<count {
                    let s = p * source
                    var r = src[s], g = r, b = r
                    if source >= 3 { g = src[s + 1]; b = src[s + 2] }
                    var a: Float = 1
                    if source == 4 { a = src[s + 3]; r *= a; g *= a; b *= a }
                    let d = p * channels
                    switch channels {
                    case 1:
                        dst[d] = source == 1 ? r : weights.r * r + weights.g * g + weights.b * b
                    case 3:
                        dst[d] = r; dst[d + 1] = g; dst[d + 2] = b
                    default:
                        dst[d] = r; dst[d + 1] = g; dst[d + 2] = b; dst[d + 3] = a
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: out)
    }
}
