import Assets
import Codecs
import Diagnostics
import Foundation
import Parallel
import Scene

/// The built-in 2D renderer: composites backgrounds, sprites (asset images) and procedural shapes
/// in graph order, with ground truth and exact gradients. Attribute names: README.md.
///
/// Thread-safe; batches render in parallel over images. Sprites are prepared once per asset and
/// cached for the renderer's lifetime.
public struct CompositorRenderer: Renderer {
    /// Size and channels (1 or 3) of every image it draws.
    public let canvas: Canvas
    /// Class list of the semantic masks (class `classes[i]` is written as `i + 1`); unique names.
    public let classes: [String]
    /// An object is visible at a pixel when opacity × coverage (or sprite alpha) ≥ this value;
    /// this decides masks, boxes and visible fractions. Default 0.5.
    public let visibilityThreshold: Float
    /// The shapes and frames nodes may name (`shape`, `frame`).
    public let shapes: ShapeRegistry
    private let classIds: [String: UInt16]
    /// Compiles graphs into layers; holds the sprite cache and the shape registry. Built once,
    /// not per graph: compiling is a sizeable part of a small image's cost.
    private let compiler: LayerCompiler

    /// - Parameters:
    ///   - canvas: image size and channels (1 grey or 3 RGB).
    ///   - classes: the class list of semantic masks; every drawn object's class must be in it.
    ///   - assets: the stores that `AssetRef.store` names refer to.
    ///   - shapes: the shape and frame kinds nodes may name; `ShapeRegistry.standard` by default.
    /// - Throws: `InputError` for a zero-size canvas, other channel counts, a class list with
    ///   duplicates or 65,535 classes or more (ids are `UInt16`, 0 is background), or a
    ///   non-finite `visibilityThreshold`.
    public init(canvas: Canvas, classes: [String], assets: [any AssetStore] = [], visibilityThreshold: Float = 0.5,
                shapes: ShapeRegistry = .standard) throws {
        guard canvas.width > 0, canvas.height > 0 else {
            throw InputError(file: "canvas", message: "canvas must be at least 1x1, got \(canvas.width)x\(canvas.height)")
        }
        guard canvas.channels == 1 || canvas.channels == 3 else {
            throw InputError(file: "canvas", path: "channels", message: "must be 1 (grey) or 3 (RGB), got \(canvas.channels)")
        }
        guard Set(classes).count == classes.count, classes.count < Int(UInt16.max) else {
            throw InputError(file: "classes", message: "class list must be unique and hold fewer than 65535 names")
        }
        guard visibilityThreshold.isFinite else { throw InputError(file: "visibilityThreshold", message: "must be finite") }
        self.canvas = canvas
        self.classes = classes
        self.visibilityThreshold = visibilityThreshold
        self.shapes = shapes
        var ids: [String: UInt16] = [:]
        for (i, c) in classes.enumerated() { ids[c] = UInt16(i + 1) }
        classIds = ids
        let cache = SpriteCache(stores: assets, channels: canvas.channels)
        compiler = LayerCompiler(canvas: canvas, sprite: { try cache.sprite($0) }, shapes: shapes)
    }

    var compositor: Compositor {
        Compositor(width: canvas.width, height: canvas.height, channels: canvas.channels, visibilityThreshold: visibilityThreshold)
    }

    /// The layers of one graph and their class ids (0 for backgrounds). The layers' sprites borrow
    /// the renderer's sprite cache (`Sprite.borrowed()`): use them only while this renderer lives.
    func compile(_ graph: SceneGraph, index: Int) throws -> (layers: [Layer], classIds: [UInt16]) {
        let layers = try compiler.layers(of: graph, graphIndex: index)
        // By index: a copy of a layer (`layers.map { layer in … }`) retains its content, name and links.
        let ids = try layers.indices.map { k -> UInt16 in
            guard layers[k].isObject else { return 0 }
            guard let id = classIds[layers[k].className] else {
                throw InputError(file: "graph \(index)", path: "nodes[\(layers[k].node)].class",
                                 message: "class '\(layers[k].className)' is not in the renderer's class list \(classes)")
            }
            return id
        }
        return (layers, ids)
    }

    /// Composites each graph in parallel. Throws `InputError` (file `graph N`) for unknown shapes,
    /// frames or assets, malformed attributes, or an object class missing from `classes`.
    public func render(_ graphs: [SceneGraph]) throws -> [RenderedImage] {
        _ = MemoryTuning.applied
        let n = canvas.width * canvas.height
        return try parallelMap(graphs.count) { i in
            let (layers, ids) = try compile(graphs[i], index: i)
            // Uninitialised: `draw` initialises every value.
            var pixels = [Float](unsafeUninitializedCapacity: n * canvas.channels) { $1 = n * canvas.channels }
            var instance = [UInt16](unsafeUninitializedCapacity: n) { $1 = n }
            var semantic = [UInt16](unsafeUninitializedCapacity: n) { $1 = n }
            let stats = pixels.withUnsafeMutableBufferPointer { px in
                instance.withUnsafeMutableBufferPointer { ins in
                    semantic.withUnsafeMutableBufferPointer { sem in
                        compositor.draw(layers, classIds: ids, into: px.baseAddress!,
                                        masks: Compositor.Masks(instance: ins.baseAddress!, semantic: sem.baseAddress!), tape: nil)
                    }
                }
            }
            let truth = GroundTruthBuilder.make(layers: layers, stats: stats, instance: instance, semantic: semantic,
                                                width: canvas.width, height: canvas.height)
            return RenderedImage(image: Image(width: canvas.width, height: canvas.height, channels: canvas.channels, pixels: pixels),
                                 groundTruth: truth)
        }
    }

    /// The images alone (no ground truth), concatenated in batch order: the fast path for training.
    public func renderPixels(_ graphs: [SceneGraph]) throws -> [Float] {
        _ = MemoryTuning.applied
        let size = canvas.width * canvas.height * canvas.channels
        var out = [Float](unsafeUninitializedCapacity: graphs.count * size) { $1 = graphs.count * size }
        try out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress
            _ = try parallelMap(graphs.count) { i -> Bool in
                let (layers, ids) = try compile(graphs[i], index: i)
                _ = compositor.draw(layers, classIds: ids, into: base! + i * size, masks: nil, tape: nil)
                return true
            }
        }
        return out
    }
}

/// Prepared sprites by asset, shared by all threads of a renderer. Holds at most `capacity`
/// sprites (about 3.6 KB each for a 28×28 digit) and hands out `Sprite.borrowed()` copies of
/// them, valid while the cache lives (it never evicts one). Past the capacity a sprite is
/// prepared for each request and handed out owning its planes, so a working set larger than the
/// capacity costs a re-preparation (~1 µs), not unbounded memory.
final class SpriteCache: @unchecked Sendable {
    private let stores: [String: any AssetStore]
    private let channels: Int
    /// Borrowed sprites (`Sprite.borrowed()`): a lookup copies no reference. `owners` holds
    /// their planes.
    private var sprites: [AssetRef: Sprite] = [:]
    private var owners: [Sprite] = []
    private let lock = NSLock()
    let capacity: Int

    init(stores: [any AssetStore], channels: Int, capacity: Int = 16_384) {
        self.capacity = capacity
        var byName: [String: any AssetStore] = [:]
        for s in stores { byName[s.name] = s }
        self.stores = byName
        self.channels = channels
    }

    /// Throws `InputError` when no store has the ref's name or the store cannot supply the image.
    func sprite(_ ref: AssetRef) throws -> Sprite {
        lock.lock()
        if let s = sprites[ref] { lock.unlock(); return s }
        lock.unlock()
        guard let store = stores[ref.store] else {
            throw InputError(file: "assets", message: "no asset store named '\(ref.store)' (have: \(stores.keys.sorted().joined(separator: ", ")))")
        }
        let s = try Sprite(image: try store.image(ref), canvasChannels: channels, what: "\(ref.store)#\(ref.index)")
        lock.lock()
        defer { lock.unlock() }
        // Another thread may have prepared it meanwhile: the cached one stays.
        if let cached = sprites[ref] { return cached }
        guard sprites.count < capacity else { return s }
        owners.append(s)
        sprites[ref] = s.borrowed()
        return s.borrowed()
    }
}
