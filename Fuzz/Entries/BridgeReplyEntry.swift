import Codecs
import Diagnostics
import Foundation
import Render
import Scene

extension FuzzEntries {
    /// The canvas and classes the fuzzed bridge replies answer (one request, id 1, one scene).
    public static let bridgeCanvas = Canvas(width: 4, height: 3, channels: 1)
    public static let bridgeClasses = ["box", "disc"]

    /// One reply line of the external-renderer bridge, through `BridgeReplyParser.parse`. A reply
    /// `path` of "ok.png" loads a blank image of the canvas's size; any other path fails to load.
    @discardableResult
    public static func bridgeReply(_ data: Data) -> Bool {
        accepted {
            _ = try BridgeReplyParser.parse(data, request: 1, scenes: 1, canvas: bridgeCanvas, classes: bridgeClasses) { path in
                guard path == "ok.png" else { throw InputError(file: path, message: "no such file") }
                return Image(width: bridgeCanvas.width, height: bridgeCanvas.height, channels: bridgeCanvas.channels, fill: 0)
            }
        }
    }
}
