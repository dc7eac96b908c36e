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
    /// The scene the program's last error reply blamed (its optional `scene`), nil when none.
    private var failedScene: Int?

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
        do { return try renderNamingScene(graphs) } catch let failure as SceneFailure { throw failure.error }
    }

    /// A failure of the program, with the scene of the request it blamed (the reply's `scene`).
    struct SceneFailure: Error {
        var error: RenderError
        var scene: Int?
    }

    /// `render`, but the program's failures are `SceneFailure`s naming the scene when the
    /// program's error reply did (what `ProcessRendererPool` reports as the failing graph).
    func renderNamingScene(_ graphs: [SceneGraph]) throws -> [RenderedImage] {
        if graphs.isEmpty { return [] }
        try Self.checkFinite(graphs)
        lock.lock(); defer { lock.unlock() }
        keepAfterFailure = false
        failedScene = nil
        do {
            return try exchange(graphs)
        } catch let error as RenderError {
            if !keepAfterFailure { stop() }
            throw SceneFailure(error: error, scene: failedScene)
        } catch {
            if !keepAfterFailure { stop() }
            throw error
        }
    }

    /// Throws `InputError` (file `graph N`, N the graph's index) for a non-finite numeric
    /// attribute: JSON cannot carry it.
    static func checkFinite(_ graphs: [SceneGraph]) throws {
        for (g, graph) in graphs.enumerated() {
            for (k, node) in graph.nodes.enumerated() {
                for (name, value) in node.attributes {
                    if case .number(let v) = value, !v.isFinite {
                        throw InputError(file: "graph \(g)", path: "nodes[\(k)].attributes.\(name)", message: "must be finite, got \(v)")
                    }
                }
            }
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
        do {
            return try BridgeReplyParser.parse(Data(replyLine.utf8), request: id, scenes: graphs.count, canvas: canvas,
                                               classes: classes, loadImage: loadImage)
        } catch let error as BridgeReplyError {
            failedScene = error.scene
            throw failure(error.message, keepRunning: error.keepRunning)
        }
    }

    /// The longest reply line accepted for `scenes` images: generous room for inline base64
    /// pixels and JSON masks (32 bytes per pixel and image) plus 1 MiB; past it the program is
    /// stopped rather than buffered without bound.
    func maximumReplyBytes(scenes: Int) -> Int {
        (1 << 20) + scenes * ((1 << 16) + canvas.width * canvas.height * 32)
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
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; tail.markClosed() } else { tail.append(data) }
        }
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
            if !p.isRunning {
                text += " (exited with status \(p.terminationStatus))"
                // Its last words may still be in the pipe: wait (briefly) until stderr is closed.
                stderrTail.waitUntilClosed(deadline: Date(timeIntervalSinceNow: 0.5))
            }
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

    private var closed = false

    func clear() { lock.lock(); bytes = []; closed = false; lock.unlock() }

    /// The child closed its stderr (end of file seen): everything it wrote is in `text`.
    func markClosed() { lock.lock(); closed = true; lock.unlock() }

    /// Waits until `markClosed` or `deadline`, whichever comes first.
    func waitUntilClosed(deadline: Date) {
        while Date() < deadline {
            lock.lock(); let done = closed; lock.unlock()
            if done { return }
            usleep(1000)
        }
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
