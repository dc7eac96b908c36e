import Codecs
import Diagnostics
import Foundation
import Scene

/// A renderer that delegates to an external program (Blender, Unity, Unreal, a script) speaking
/// the JSON Lines protocol of BRIDGE.md over its stdin/stdout.
///
/// The program is started on the first request and kept running; requests are sent one at a
/// time (calls from several threads queue). When the program exits, dies, times out or replies
/// something that breaks the protocol, the call throws `RenderError.external` with the reason
/// and the tail of the program's stderr, the program is stopped, and the next call starts a fresh
/// one. Gradients come from `finiteDifference` (two renders per mutable attribute).
public final class ProcessRenderer: Renderer, @unchecked Sendable {
    /// Size and channels (1 or 3) of every image requested from the program.
    public let canvas: Canvas
    /// Class list sent to the program, behind the semantic masks it returns.
    public let classes: [String]
    /// The program and its arguments (`command[0]` is looked up on PATH when it has no slash).
    public let command: [String]
    /// Seconds to wait for the program's reply to one request (after which it is killed).
    public let timeout: Double
    /// Folder for the suggested output paths (created on demand).
    public let outputDirectory: URL
    /// Settings of the finite-difference gradients used by `vjp`.
    public let finiteDifference: FiniteDifferenceVJP
    private let loadImage: (@Sendable (String) throws -> Image)?
    private let lock = NSLock()
    private var process: Process?
    private var channel: LineChannel?
    private var stderrTail = StderrTail()
    private var nextId = 1
    /// Set by `failure(_:keepRunning: true)`: the program reported an error but is still usable.
    private var keepAfterFailure = false

    /// - Parameters:
    ///   - loadImage: reads an image file the program replied with a `path` to (for example the PNG
    ///     codec). Nil: replies must carry inline pixels.
    /// - Throws: `RenderError.mismatch` for an empty command, a non-positive timeout or a bad canvas.
    public init(command: [String], canvas: Canvas, classes: [String], timeout: Double = 60,
                outputDirectory: URL? = nil, finiteDifference: FiniteDifferenceVJP = FiniteDifferenceVJP(),
                loadImage: (@Sendable (String) throws -> Image)? = nil) throws {
        guard !command.isEmpty else { throw RenderError.mismatch("process renderer: empty command") }
        guard timeout > 0, timeout.isFinite else { throw RenderError.mismatch("process renderer: timeout must be > 0 seconds") }
        guard canvas.width > 0, canvas.height > 0, [1, 3].contains(canvas.channels) else {
            throw RenderError.mismatch("process renderer: canvas must be at least 1x1 with 1 or 3 channels")
        }
        self.command = command
        self.canvas = canvas
        self.classes = classes
        self.timeout = timeout
        self.finiteDifference = finiteDifference
        self.loadImage = loadImage
        self.outputDirectory = outputDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("metasim-bridge-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
    }

    deinit { stop() }

    /// Stops the program (it is restarted by the next request).
    public func close() {
        lock.lock(); defer { lock.unlock() }
        stop()
    }

    /// Throws `InputError` (before talking to the program) for non-finite numeric attributes,
    /// which JSON cannot carry; `RenderError.external` for the program's failures.
    public func render(_ graphs: [SceneGraph]) throws -> [RenderedImage] {
        if graphs.isEmpty { return [] }
        for (g, graph) in graphs.enumerated() {
            for (k, node) in graph.nodes.enumerated() {
                for (name, value) in node.attributes {
                    if case .number(let v) = value, !v.isFinite {
                        throw InputError(file: "graph \(g)", path: "nodes[\(k)].attributes.\(name)", message: "must be finite, got \(v)")
                    }
                }
            }
        }
        lock.lock(); defer { lock.unlock() }
        keepAfterFailure = false
        do {
            return try exchange(graphs)
        } catch {
            if !keepAfterFailure { stop() }
            throw error
        }
    }

    /// Central finite differences through the program (`finiteDifference`): two renders per
    /// mutable attribute. Throws `RenderError` for bad inputs or program failures.
    public func vjp(_ graphs: [SceneGraph], imageGradients: [[Float]]) throws -> [AttributeGradients] {
        try finiteDifference.vjp(self, graphs, imageGradients: imageGradients)
    }

    // MARK: - One request

    private func exchange(_ graphs: [SceneGraph]) throws -> [RenderedImage] {
        if process == nil { try start() }
        let id = nextId
        nextId += 1
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let outputs = graphs.indices.map { outputDirectory.appendingPathComponent("request\(id)-image\($0).png").path }
        let request = BridgeRequest(id: id, canvas: canvas, classes: classes, scenes: graphs, outputs: outputs)
        var line = try SceneGraph.jsonEncoder().encode(request)
        line.append(UInt8(ascii: "\n"))
        do { try channel!.write([UInt8](line)) } catch { throw failure("could not send request \(id): the program closed its input") }
        let replyLine: String
        let limit = maximumReplyBytes(scenes: graphs.count)
        do {
            replyLine = try channel!.readLine(deadline: Date(timeIntervalSinceNow: timeout), maxBytes: limit)
        } catch LineChannel.Failure.timedOut {
            throw failure("no reply to request \(id) within \(timeout) s")
        } catch LineChannel.Failure.closed {
            throw failure("the program stopped before replying to request \(id)")
        } catch LineChannel.Failure.io(EMSGSIZE) {
            throw failure("reply to request \(id) is longer than \(limit) bytes without a newline "
                          + "(the most \(graphs.count) image(s) of this canvas can take); the program was stopped")
        } catch LineChannel.Failure.io(let code) {
            throw failure("cannot read the reply to request \(id): " + String(cString: strerror(code)))
        }
        let reply: BridgeReply
        do {
            reply = try JSONDecoder().decode(BridgeReply.self, from: Data(replyLine.utf8))
        } catch {
            throw failure("reply to request \(id) is not a valid reply object: \(String(replyLine.prefix(200)))")
        }
        guard reply.id == id else { throw failure("reply id \(reply.id) does not match request id \(id)") }
        if let message = reply.error { throw failure("the program could not render request \(id): \(message)", keepRunning: true) }
        guard let images = reply.images, images.count == graphs.count else {
            throw failure("reply to request \(id) has \(reply.images?.count ?? 0) images for \(graphs.count) scenes")
        }
        return try images.enumerated().map { i, item in try decode(item, index: i, request: id) }
    }

    /// The longest reply line accepted for `scenes` images: generous room for inline base64
    /// pixels and JSON masks (32 bytes per pixel and image) plus 1 MiB; past it the program is
    /// stopped rather than buffered without bound.
    func maximumReplyBytes(scenes: Int) -> Int {
        (1 << 20) + scenes * ((1 << 16) + canvas.width * canvas.height * 32)
    }

    private func decode(_ item: BridgeImage, index i: Int, request id: Int) throws -> RenderedImage {
        let image: Image
        if let path = item.path {
            guard let loadImage else { throw failure("image \(i) of request \(id) is a path, but no image loader is configured; reply inline pixels") }
            do {
                image = try loadImage(path)
            } catch let error as InputError {
                throw failure("image \(i) of request \(id): the reply's path \(path) cannot be used: \(error.message)", keepRunning: true)
            } catch {
                throw failure("image \(i) of request \(id): the reply's path \(path) cannot be used: \(error)", keepRunning: true)
            }
        } else if let w = item.width, let h = item.height, let c = item.channels, let b64 = item.pixelsBase64 {
            guard let bytes = Data(base64Encoded: b64) else { throw failure("image \(i) of request \(id): pixels_base64 is not base64") }
            guard w > 0, h > 0, c > 0, bytes.count == w * h * c else {
                throw failure("image \(i) of request \(id): \(bytes.count) bytes for \(h)x\(w)x\(c)")
            }
            image = Image(width: w, height: h, channels: c, pixels: bytes.map { Float($0) / 255 })
        } else {
            throw failure("image \(i) of request \(id) has neither `path` nor `width`, `height`, `channels`, `pixels_base64`")
        }
        guard image.width == canvas.width, image.height == canvas.height, image.channels == canvas.channels else {
            throw failure("image \(i) of request \(id) is \(image.height)x\(image.width)x\(image.channels), expected \(canvas.height)x\(canvas.width)x\(canvas.channels)")
        }
        let n = canvas.width * canvas.height
        let truth = item.groundTruth ?? GroundTruth(width: canvas.width, height: canvas.height, objects: [],
                                                     instanceMask: [UInt16](repeating: 0, count: n), semanticMask: [UInt16](repeating: 0, count: n))
        guard truth.width == canvas.width, truth.height == canvas.height, truth.instanceMask.count == n, truth.semanticMask.count == n else {
            throw failure("ground truth of image \(i) of request \(id) does not match the canvas (masks must have \(n) values)")
        }
        try checkLabels(truth, image: i, request: id)
        return RenderedImage(image: image, groundTruth: truth)
    }

    /// Mask values and instance ids must name what exists: semantic values 0...classes.count,
    /// instance values 0...objects.count, object k's `instanceId` k + 1 — later stages index
    /// arrays with them.
    private func checkLabels(_ truth: GroundTruth, image i: Int, request id: Int) throws {
        let where_ = "ground truth of image \(i) of request \(id)"
        if let bad = truth.semanticMask.first(where: { Int($0) > classes.count }) {
            throw failure("\(where_): semanticMask value \(bad) is not 0 (background) or a class number 1...\(classes.count)")
        }
        if let bad = truth.instanceMask.first(where: { Int($0) > truth.objects.count }) {
            throw failure("\(where_): instanceMask value \(bad) is not 0 or an object number 1...\(truth.objects.count)")
        }
        for (k, object) in truth.objects.enumerated() where object.instanceId != k + 1 {
            throw failure("\(where_): objects[\(k)].instanceId is \(object.instanceId), expected \(k + 1)")
        }
    }

    // MARK: - Process lifetime

    private func start() throws {
        let p = Process()
        if command[0].contains("/") {
            p.executableURL = URL(fileURLWithPath: command[0])
            p.arguments = Array(command.dropFirst())
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = command
        }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        p.standardError = stderr
        let tail = stderrTail
        tail.clear()
        stderr.fileHandleForReading.readabilityHandler = { handle in tail.append(handle.availableData) }
        do { try p.run() } catch {
            throw RenderError.external("could not start \(command.joined(separator: " ")): \(error.localizedDescription)")
        }
        process = p
        channel = LineChannel(readFrom: stdout.fileHandleForReading.fileDescriptor, writeTo: stdin.fileHandleForWriting.fileDescriptor)
        pipes = (stdin, stdout, stderr)
    }

    private var pipes: (Pipe, Pipe, Pipe)?

    private func stop() {
        guard let p = process else { return }
        if p.isRunning { p.terminate() }
        let deadline = Date(timeIntervalSinceNow: 0.5)
        while p.isRunning && Date() < deadline { usleep(1000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        pipes?.2.fileHandleForReading.readabilityHandler = nil
        pipes = nil
        process = nil
        channel = nil
    }

    /// An error carrying the program's state (exit status, stderr tail); stops the program unless
    /// `keepRunning` (it replied with a well-formed error and may go on).
    private func failure(_ message: String, keepRunning: Bool = false) -> RenderError {
        keepAfterFailure = keepRunning
        var text = "\(command.joined(separator: " ")): \(message)"
        if let p = process, !keepRunning {
            let deadline = Date(timeIntervalSinceNow: 0.2)
            while p.isRunning && Date() < deadline { usleep(1000) }
            if !p.isRunning { text += " (exited with status \(p.terminationStatus))" }
        }
        let err = stderrTail.text
        if !err.isEmpty { text += "; stderr: \(err)" }
        return RenderError.external(text)
    }
}

/// The last few kilobytes a child wrote to stderr, for error messages.
final class StderrTail: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private let lock = NSLock()
    private let limit = 2048

    func append(_ data: Data) {
        lock.lock(); defer { lock.unlock() }
        bytes.append(contentsOf: data)
        if bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
    }

    func clear() { lock.lock(); bytes = []; lock.unlock() }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
