import Foundation
import Scene

/// The JSON Lines messages of the external-renderer bridge (BRIDGE.md): one request line from
/// MetaSim, one reply line from the renderer.
struct BridgeRequest: Encodable {
    var id: Int
    var canvas: Canvas
    var classes: [String]
    var scenes: [SceneGraph]
    /// One suggested output path per scene (the renderer may write a PNG there).
    var outputs: [String]
}

struct BridgeReply: Decodable {
    var id: Int
    var images: [BridgeImage]?
    /// Set when the renderer could not render the request; `images` is then ignored.
    var error: String?
    /// With `error`: the index of the scene that failed, when the renderer knows it.
    var scene: Int?
}

/// One rendered image: either a `path` to a PNG (loaded by the renderer's image loader) or inline
/// 8-bit pixels (`width`, `height`, `channels`, `pixels_base64`: row-major, channels interleaved).
struct BridgeImage: Decodable {
    var path: String?
    var width: Int?
    var height: Int?
    var channels: Int?
    var pixelsBase64: String?
    var groundTruth: GroundTruth?

    enum CodingKeys: String, CodingKey {
        case path, width, height, channels
        case pixelsBase64 = "pixels_base64"
        case groundTruth = "ground_truth"
    }
}
