/// An image in memory: `height × width × channels` floats, nominally in [0, 1], row-major with
/// channels interleaved (pixel (y, x) channel c is at `(y * width + x) * channels + c`).
/// `channels` is 1 (grey), 3 (RGB) or 4 (RGBA, alpha last, not premultiplied).
/// Codecs quantise to 8 bits on write, clamping values outside [0, 1] (NaN writes as 0).
public struct Image: Equatable, Sendable {
    /// Columns, in pixels.
    public var width: Int
    /// Rows, in pixels.
    public var height: Int
    /// Values per pixel: 1, 3 or 4.
    public var channels: Int
    /// `height × width × channels` values, layout as described on the type.
    public var pixels: [Float]

    /// Precondition: `pixels.count == width * height * channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        precondition(pixels.count == width * height * channels,
                     "Image: \(pixels.count) values for \(height)x\(width)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A blank image, every value `fill`.
    public init(width: Int, height: Int, channels: Int, fill: Float = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [Float](repeating: fill, count: width * height * channels))
    }
}
