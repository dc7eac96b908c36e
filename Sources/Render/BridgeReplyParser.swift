import Codecs
import Diagnostics
import Foundation
import Scene

/// Why a reply line could not be used: the message for `RenderError.external`, and whether the
/// program may keep running (it reported its own error, or named a file that cannot be read).
public struct BridgeReplyError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var keepRunning: Bool
    /// The scene (index in the request) an error reply blamed, when it said (`scene`).
    public var scene: Int? = nil
    public var description: String { message }
}

/// The reply half of the bridge protocol (BRIDGE.md) as a pure function of the reply's bytes,
/// so it can be tested and fuzzed without a program on the other end.
public enum BridgeReplyParser {
    /// Parses and checks the reply `line` to request `id` of `scenes` scenes on `canvas` with
    /// `classes`: every image must match the canvas and its ground truth name only what exists.
    /// `loadImage` reads images the reply gives by `path` (nil: only inline pixels accepted).
    /// Throws only `BridgeReplyError`.
    public static func parse(_ line: Data, request id: Int, scenes: Int, canvas: Canvas, classes: [String],
                             loadImage: ((String) throws -> Image)?) throws -> [RenderedImage] {
        let reply: BridgeReply
        do {
            reply = try JSONDecoder().decode(BridgeReply.self, from: line)
        } catch {
            throw fail("reply to request \(id) is not a valid reply object: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        guard reply.id == id else { throw fail("reply id \(reply.id) does not match request id \(id)") }
        if let message = reply.error {
            var error = fail("the program could not render request \(id): \(message)", keepRunning: true)
            if let scene = reply.scene, (0..<scenes).contains(scene) { error.scene = scene }
            throw error
        }
        guard let images = reply.images, images.count == scenes else {
            throw fail("reply to request \(id) has \(reply.images?.count ?? 0) images for \(scenes) scenes")
        }
        return try images.enumerated().map { i, item in
            try decode(item, index: i, request: id, canvas: canvas, classes: classes, loadImage: loadImage)
        }
    }

    private static func fail(_ message: String, keepRunning: Bool = false) -> BridgeReplyError {
        BridgeReplyError(message: message, keepRunning: keepRunning)
    }

    private static func decode(_ item: BridgeImage, index i: Int, request id: Int, canvas: Canvas, classes: [String],
                               loadImage: ((String) throws -> Image)?) throws -> RenderedImage {
        let image: Image
        if let path = item.path {
            guard let loadImage else { throw fail("image \(i) of request \(id) is a path, but no image loader is configured; reply inline pixels") }
            do {
                image = try loadImage(path)
            } catch let error as InputError {
                throw fail("image \(i) of request \(id): the reply's path \(path) cannot be used: \(error.message)", keepRunning: true)
            } catch {
                throw fail("image \(i) of request \(id): the reply's path \(path) cannot be used: \(error)", keepRunning: true)
            }
        } else if let w = item.width, let h = item.height, let c = item.channels, let b64 = item.pixelsBase64 {
            guard let bytes = Data(base64Encoded: b64) else { throw fail("image \(i) of request \(id): pixels_base64 is not base64") }
            guard w > 0, h > 0, c > 0, bytes.count == exactProduct(w, h, c) else {
                throw fail("image \(i) of request \(id): \(bytes.count) bytes for \(h)x\(w)x\(c)")
            }
            image = Image(width: w, height: h, channels: c, pixels: bytes.map { Float($0) / 255 })
        } else {
            throw fail("image \(i) of request \(id) has neither `path` nor `width`, `height`, `channels`, `pixels_base64`")
        }
        guard image.width == canvas.width, image.height == canvas.height, image.channels == canvas.channels else {
            throw fail("image \(i) of request \(id) is \(image.height)x\(image.width)x\(image.channels), expected \(canvas.height)x\(canvas.width)x\(canvas.channels)")
        }
        let n = canvas.width * canvas.height
        let truth = item.groundTruth ?? GroundTruth(width: canvas.width, height: canvas.height, objects: [],
                                                     instanceMask: [UInt16](repeating: 0, count: n), semanticMask: [UInt16](repeating: 0, count: n))
        guard truth.width == canvas.width, truth.height == canvas.height, truth.instanceMask.count == n, truth.semanticMask.count == n else {
            throw fail("ground truth of image \(i) of request \(id) does not match the canvas (masks must have \(n) values)")
        }
        if let depth = truth.depth, depth.count != n || !depth.allSatisfy({ $0.isFinite && $0 >= 0 }) {
            throw fail("depth of image \(i) of request \(id) must hold \(n) finite values ≥ 0 (metres; 0 for none), got \(depth.count)")
        }
        try checkLabels(truth, image: i, request: id, classes: classes)
        return RenderedImage(image: image, groundTruth: truth)
    }

    /// `a × b × c`, or nil when it overflows `Int` (a reply may claim any sizes).
    static func exactProduct(_ a: Int, _ b: Int, _ c: Int) -> Int? {
        let ab = a.multipliedReportingOverflow(by: b)
        let abc = ab.partialValue.multipliedReportingOverflow(by: c)
        return ab.overflow || abc.overflow ? nil : abc.partialValue
    }

    /// Mask values and instance ids must name what exists: semantic values 0...classes.count,
    /// instance values 0...objects.count, object k's `instanceId` k + 1 — later stages index
    /// arrays with them.
    private static func checkLabels(_ truth: GroundTruth, image i: Int, request id: Int, classes: [String]) throws {
        let where_ = "ground truth of image \(i) of request \(id)"
        if let bad = truth.semanticMask.first(where: { Int($0) > classes.count }) {
            throw fail("\(where_): semanticMask value \(bad) is not 0 (background) or a class number 1...\(classes.count)")
        }
        if let bad = truth.instanceMask.first(where: { Int($0) > truth.objects.count }) {
            throw fail("\(where_): instanceMask value \(bad) is not 0 or an object number 1...\(truth.objects.count)")
        }
        for (k, object) in truth.objects.enumerated() where object.instanceId != k + 1 {
            throw fail("\(where_): objects[\(k)].instanceId is \(object.instanceId), expected \(k + 1)")
        }
    }
}
