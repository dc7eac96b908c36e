import Codecs
import Diagnostics
import Parallel
import Render
import Scene

/// A perspective 3D renderer of road scenes (see README.md): scene-graph nodes with a `model`
/// attribute (`camera`, `environment`, `road`, `lane`, `car`, `building`, `tree`) become a
/// camera, lighting and procedural triangle meshes drawn with a depth buffer and anti-aliased
/// silhouettes. Images of a batch are drawn in parallel (`parallelMap`); each image depends only
/// on its graph, so results are the same for any thread count.
public struct Renderer3D: Renderer {
    /// Size and channels of every image (1: luminance 0.299 R + 0.587 G + 0.114 B; 3: RGB;
    /// 4: RGB with alpha 1).
    public let canvas: Canvas
    /// Class list behind the semantic masks: a drawn node's class must be in it.
    public let classes: [String]
    /// How `vjp` differentiates: central differences (2 renders per mutable attribute). Steps:
    /// 0.05 in the attribute's unit (metres, colour levels), 0.5 for angles in degrees.
    public var finiteDifferences: FiniteDifferenceVJP
    let classIndex: [String: Int]

    /// Attributes measured in degrees (their finite-difference step is 0.5°, `heading`'s 3°).
    public static let degreeAttributes = ["pitch", "yaw", "fov", "heading", "sun_elevation", "sun_azimuth"]
    /// Finite-difference steps of a car's pose, chosen to move its outline by about a pixel at
    /// 20 m on a 256-px-wide, 80° view (a 3° turn moves a corner 2.4 m from the centre by
    /// 0.13 m, as does a 0.15 m offset): at 0.5° / 0.05 m the differences are dominated by
    /// single-pixel switches of the car's parts (README.md, Gradients).
    public static let carPoseSteps: [String: Double] = ["heading": 3, "offset": 0.15]

    /// Throws `InputError` (file `canvas`) for a zero-size canvas or a channel count other than 1, 3, 4.
    public init(canvas: Canvas, classes: [String]) throws {
        guard canvas.width >= 1, canvas.height >= 1 else {
            throw InputError(file: "canvas", path: canvas.width < 1 ? "width" : "height", message: "must be at least 1 pixel")
        }
        guard [1, 3, 4].contains(canvas.channels) else {
            throw InputError(file: "canvas", path: "channels", message: "the 3D renderer draws 1, 3 or 4 channels, got \(canvas.channels)")
        }
        self.canvas = canvas
        self.classes = classes
        var index: [String: Int] = [:]
        for (i, c) in classes.enumerated() where index[c] == nil { index[c] = i }
        classIndex = index
        finiteDifferences = FiniteDifferenceVJP(step: 0.05, batchSize: 256,
                                                stepOverrides: Dictionary(uniqueKeysWithValues: Renderer3D.degreeAttributes.map { ($0, 0.5) })
                                                    .merging(Renderer3D.carPoseSteps) { $1 })
    }

    public func render(_ graphs: [SceneGraph]) throws -> [RenderedImage] {
        _ = MemoryTuning.applied
        return try parallelMap(graphs.count, state: { FrameBuffers(width: canvas.width, height: canvas.height) }) { frame, i in
            let scene = try draw(graphs[i], index: i, withTruth: true, into: &frame)
            var image = frame.rgb
            if canvas.channels == 3 {
                frame.rgb = []   // handed out: the next image allocates its own
            } else {
                image = pixels(frame)
            }
            return RenderedImage(image: Image(width: canvas.width, height: canvas.height, channels: canvas.channels, pixels: image),
                                 groundTruth: GroundTruthAssembly.make(scene, &frame, classes: classes))
        }
    }

    public func renderPixels(_ graphs: [SceneGraph]) throws -> [Float] {
        _ = MemoryTuning.applied
        let size = canvas.width * canvas.height * canvas.channels
        // Every image writes its whole slice: no need to clear.
        return try [Float](unsafeUninitializedCapacity: graphs.count * size) { buffer, count in
            let base = buffer.baseAddress!   // each image writes only its own slice
            _ = try parallelMap(graphs.count, state: { FrameBuffers(width: canvas.width, height: canvas.height) }) { frame, i in
                _ = try draw(graphs[i], index: i, withTruth: false, into: &frame)
                write(frame, to: base + i * size)
            }
            count = graphs.count * size
        }
    }

    /// dL/d(attribute) by central finite differences (`finiteDifferences`); see `Renderer.vjp`.
    public func vjp(_ graphs: [SceneGraph], imageGradients: [[Float]]) throws -> [AttributeGradients] {
        try finiteDifferences.vjp(self, graphs, imageGradients: imageGradients)
    }

    /// Reads graph `index` and draws it into `frame` (reused between images, see `FrameBuffers`).
    private func draw(_ graph: SceneGraph, index: Int, withTruth: Bool, into frame: inout FrameBuffers) throws -> Scene3D {
        let scene = try SceneReader.read(graph, graphIndex: index, canvas: canvas, classIndex: classIndex)
        frame.begin(slots: scene.annotated.count, withTruth: withTruth)
        SceneDrawing.draw(scene, into: &frame)
        return scene
    }

    /// The frame's pixels in a 1- or 4-channel layout.
    private func pixels(_ frame: FrameBuffers) -> [Float] {
        [Float](unsafeUninitializedCapacity: frame.width * frame.height * canvas.channels) { buffer, count in
            write(frame, to: buffer.baseAddress!)
            count = buffer.count
        }
    }

    /// The frame's pixels in the canvas's channel layout at `out`.
    private func write(_ frame: FrameBuffers, to out: UnsafeMutablePointer<Float>) {
        let n = frame.width * frame.height
        frame.rgb.withUnsafeBufferPointer { rgb in
            switch canvas.channels {
            case 3: out.update(from: rgb.baseAddress!, count: 3 * n)
            case 1: for p in 0..<n { out[p] = 0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2] }
            default:
                for p in 0..<n {
                    out[4 * p] = rgb[3 * p]; out[4 * p + 1] = rgb[3 * p + 1]; out[4 * p + 2] = rgb[3 * p + 2]; out[4 * p + 3] = 1
                }
            }
        }
    }
}
