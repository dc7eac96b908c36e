/// The image a scene is rendered into: `width × height` pixels of `channels` (1 grey, 3 RGB).
/// Grammars declare it (global settings); renderers are made for one canvas.
public struct Canvas: Codable, Equatable, Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int

    public init(width: Int, height: Int, channels: Int = 1) {
        self.width = width
        self.height = height
        self.channels = channels
    }
}
