/// The image a scene is rendered into: `width × height` pixels of `channels` (1 grey, 3 RGB).
/// Grammars declare it (global settings); renderers are made for one canvas.
public struct Canvas: Codable, Equatable, Hashable, Sendable {
    /// Image width in pixels (columns).
    public var width: Int
    /// Image height in pixels (rows).
    public var height: Int
    /// Values per pixel: 1 for grey, 3 for RGB (renderers reject other counts).
    public var channels: Int

    /// A canvas of `width × height` pixels, grey by default. Nothing is validated here;
    /// grammar parsing and renderers check sizes and channel counts and throw.
    public init(width: Int, height: Int, channels: Int = 1) {
        self.width = width
        self.height = height
        self.channels = channels
    }
}
