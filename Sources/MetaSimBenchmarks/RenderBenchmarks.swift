import Codecs
import Foundation
import Render
import Scene

/// Renderer benchmarks: MNIST-like 32×32 scenes (background + one rotated 28×28 digit), a busy
/// 256×256 RGB scene, and the cost of a VJP (3 mutable attributes) relative to a render.
let renderBenchmarks: [Benchmark] = [
    Benchmark(names: ["render.mnist32.images_per_s", "render.mnist32.pixels_only.images_per_s",
                      "render.mnist32.cpu_us_per_image", "render.mnist32.pixels_only.cpu_us_per_image",
                      "reference.pil.mnist32.images_per_s", "render.mnist32.speedup_over_pil.ratio"]) {
        let (renderer, graphs) = try RenderBenchmarkScenes.mnist32(count: 1024)
        let withTruth = medianSeconds(repeats: 5, minSeconds: 0.2) { _ = try? renderer.render(graphs) }
        let pixelsOnly = medianSeconds(repeats: 5, minSeconds: 0.2) { _ = try? renderer.renderPixels(graphs) }
        let rate = Double(graphs.count) / withTruth
        var results = [
            BenchResult(name: "render.mnist32.images_per_s", value: rate, unit: "images/s"),
            BenchResult(name: "render.mnist32.pixels_only.images_per_s", value: Double(graphs.count) / pixelsOnly, unit: "images/s"),
            // Processor time summed over threads: steadier than wall time on a shared machine.
            BenchResult(name: "render.mnist32.cpu_us_per_image", value: cpuMicroseconds(20) { _ = try? renderer.render(graphs) } / Double(graphs.count), unit: "us"),
            BenchResult(name: "render.mnist32.pixels_only.cpu_us_per_image",
                        value: cpuMicroseconds(20) { _ = try? renderer.renderPixels(graphs) } / Double(graphs.count), unit: "us"),
        ]
        if let reference = RenderBenchmarkScenes.pilReference() {
            results.append(reference)
            results.append(BenchResult(name: "render.mnist32.speedup_over_pil.ratio", value: rate / reference.value, unit: "ratio"))
        }
        return results
    },
    Benchmark(names: ["render.rgb256.images_per_s"]) {
        let (renderer, graphs) = try RenderBenchmarkScenes.rgb256(count: 32)
        let t = medianSeconds(repeats: 5, minSeconds: 0.2) { _ = try? renderer.render(graphs) }
        return [BenchResult(name: "render.rgb256.images_per_s", value: Double(graphs.count) / t, unit: "images/s")]
    },
    Benchmark(names: ["render.vjp_exact_over_render.ratio", "render.vjp_fd_over_render.ratio"]) {
        let (renderer, graphs) = try RenderBenchmarkScenes.mnist32(count: 1024)
        let size = renderer.canvas.width * renderer.canvas.height
        var upstream: [[Float]] = []
        for i in 0..<graphs.count {
            var g = [Float](repeating: 0, count: size)
            for p in 0..<size { g[p] = Float((p * 7 + i) % 13) / 13 - 0.5 }
            upstream.append(g)
        }
        let render = medianSeconds(repeats: 5, minSeconds: 0.2) { _ = try? renderer.render(graphs) }
        let exact = medianSeconds(repeats: 5, minSeconds: 0.2) { _ = try? renderer.vjp(graphs, imageGradients: upstream) }
        let fd = medianSeconds(repeats: 3, minSeconds: 0.2) {
            _ = try? FiniteDifferenceVJP(step: 0.5).vjp(renderer, graphs, imageGradients: upstream)
        }
        return [
            BenchResult(name: "render.vjp_exact_over_render.ratio", value: exact / render, unit: "ratio"),
            BenchResult(name: "render.vjp_fd_over_render.ratio", value: fd / render, unit: "ratio"),
        ]
    },
]

/// Processor time of this process (all threads) per call of `body`, in microseconds, over
/// `calls` calls after one warm-up call.
func cpuMicroseconds(_ calls: Int, _ body: () -> Void) -> Double {
    body()
    let start = clock()
    for _ in 0..<calls { body() }
    return Double(clock() - start) / Double(CLOCKS_PER_SEC) * 1e6 / Double(calls)
}

/// The benchmark scenes, also what Benchmarks/pil_reference.py draws (its digit is made the same way).
enum RenderBenchmarkScenes {
    /// Runs Benchmarks/pil_reference.py (relative to the working directory) with /usr/bin/python3
    /// in the same run; nil when the script, Python, PIL or NumPy is missing.
    static func pilReference() -> BenchResult? {
        let script = "Benchmarks/pil_reference.py"
        guard FileManager.default.fileExists(atPath: script), FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [script, "--count", "3000"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return try? JSONDecoder().decode(BenchResult.self, from: data)
    }

    /// A 28×28 grey digit-like sprite: a few thick strokes, about a fifth of the texels inked, the
    /// rest exactly 0 (like MNIST).
    static func strokeDigit(_ k: Int) -> Image {
        var px = [Float](repeating: 0, count: 28 * 28)
        let angle = Float(k) * 0.7
        for y in 0..<28 {
            for x in 0..<28 {
                let u = Float(x) - 13.5, v = Float(y) - 13.5
                let ring = abs((u * u + v * v).squareRoot() - 8)
                let bar = abs(u * cos(angle) + v * sin(angle))
                let d = min(ring, bar)
                px[y * 28 + x] = max(0, min(1, 2.2 - d))
            }
        }
        return Image(width: 28, height: 28, channels: 1, pixels: px)
    }

    /// 32×32 grey: a background grey level and one digit, random position (±4 px), yaw and size;
    /// `loc_x`, `loc_y`, `yaw` mutable.
    static func mnist32(count: Int) throws -> (CompositorRenderer, [SceneGraph]) {
        let store = InMemoryAssetStore(name: "digits", images: (0..<10).map(strokeDigit), labels: (0..<10).map(String.init))
        let renderer = try CompositorRenderer(canvas: Canvas(width: 32, height: 32), classes: store.classes, assets: [store])
        var rng = SystemRandomNumberGenerator()
        let graphs = (0..<count).map { i -> SceneGraph in
            var g = SceneGraph()
            let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
            g.add(SceneNode(rule: "Background", className: "Background", attributes: ["background": .string("constant"), "texture": .number(Double.random(in: 0...0.3, using: &rng))]), parent: root)
            g.add(SceneNode(rule: "Digit", className: String(i % 10),
                            attributes: ["loc_x": .number(Double.random(in: 12...20, using: &rng)), "loc_y": .number(Double.random(in: 12...20, using: &rng)),
                                         "yaw": .number(Double.random(in: -180...180, using: &rng)), "size": .number(28), "texture": .string("Random")],
                            mutable: ["loc_x", "loc_y", "yaw"], asset: AssetRef(store: "digits", index: i % 10)), parent: root)
            return g
        }
        return (renderer, graphs)
    }

    /// 256×256 RGB: noise ground, 2 roads, 10 rectangles, 8 ellipses, 5 pentagons, 5 digits.
    static func rgb256(count: Int) throws -> (CompositorRenderer, [SceneGraph]) {
        let store = InMemoryAssetStore(name: "digits", images: (0..<10).map(strokeDigit), labels: (0..<10).map(String.init))
        let classes = ["road", "car", "tree", "house", "digit"]
        let renderer = try CompositorRenderer(canvas: Canvas(width: 256, height: 256, channels: 3), classes: classes, assets: [store])
        var rng = SystemRandomNumberGenerator()
        func r(_ lo: Double, _ hi: Double) -> AttributeValue { .number(Double.random(in: lo...hi, using: &rng)) }
        let graphs = (0..<count).map { i -> SceneGraph in
            var g = SceneGraph()
            let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
            g.add(SceneNode(rule: "Background", className: "Background",
                            attributes: ["background": .string("noise"), "color_r": r(0.2, 0.4), "color_g": r(0.4, 0.6), "color_b": r(0.1, 0.3),
                                         "noise_scale": .number(16), "noise_seed": .number(Double(i))]), parent: root)
            for _ in 0..<2 {
                let y0 = Double.random(in: 20...236, using: &rng), y1 = Double.random(in: 20...236, using: &rng)
                g.add(SceneNode(rule: "Road", className: "road", attributes: ["shape": .string("road"), "points": .string("-10,\(y0) 128,\((y0 + y1) / 2) 266,\(y1)"),
                                                                             "width": r(16, 28), "intensity": .number(0.35)]), parent: root)
            }
            for (shape, cls, n) in [("rectangle", "car", 10), ("ellipse", "tree", 8), ("polygon", "house", 5)] {
                for _ in 0..<n {
                    var a: [String: AttributeValue] = ["shape": .string(shape), "loc_x": r(0, 256), "loc_y": r(0, 256), "yaw": r(-180, 180),
                                                       "color_r": r(0, 1), "color_g": r(0, 1), "color_b": r(0, 1), "opacity": r(0.7, 1)]
                    if shape == "polygon" { a["sides"] = .number(5); a["scale"] = r(14, 24) } else { a["size_x"] = r(6, 20); a["size_y"] = r(6, 14) }
                    g.add(SceneNode(rule: "Thing", className: cls, attributes: a), parent: root)
                }
            }
            for k in 0..<5 {
                g.add(SceneNode(rule: "Digit", className: "digit", attributes: ["loc_x": r(20, 236), "loc_y": r(20, 236), "yaw": r(-180, 180), "size": r(20, 40)],
                                asset: AssetRef(store: "digits", index: k)), parent: root)
            }
            return g
        }
        return (renderer, graphs)
    }
}
