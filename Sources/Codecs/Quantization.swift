/// Conversions between `Image`'s float values and the 8-bit samples image files hold.
public enum Quantization {
    /// `value` in [0, 1] to 0...255, rounded to nearest. Values below 0 (and -inf) give 0, above 1
    /// (and +inf) give 255, NaN gives 0.
    @inline(__always)
    public static func byte(_ value: Float) -> UInt8 {
        guard value > 0 else { return 0 }  // also catches NaN
        guard value < 1 else { return 255 }
        return UInt8(value * 255 + 0.5)
    }

    /// All of `image`'s values as bytes (see `byte(_:)`), in the same interleaved order.
    public static func bytes(of image: Image) -> [UInt8] {
        image.pixels.map(byte)
    }

    /// An image from interleaved 8-bit samples, each divided by 255.
    public static func image(width: Int, height: Int, channels: Int, bytes: UnsafeBufferPointer<UInt8>) -> Image {
        // Division, not multiplication by 1/255: exactly the same floats as `Float(b) / 255`.
        Image(width: width, height: height, channels: channels, pixels: bytes.map { Float($0) / 255 })
    }
}
