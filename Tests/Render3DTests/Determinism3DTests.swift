import Foundation
import Render
import Render3D
import Scene
import XCTest

final class Determinism3DTests: XCTestCase {
    func scenes() -> [SceneGraph] {
        (0..<12).map { i in
            var b = SceneBuilder()
            b.lanes = 1 + i % 4
            b.camera["pitch"] = Double(i % 5) - 1
            b.cars = (0..<(i % 4 + 1)).map { k in ["along": 6 + Double(k * 5 + i), "lane": Double(k % b.lanes), "heading": Double(k * 7 - 10)] }
            return b.graph()
        }
    }

    /// A batch drawn in parallel equals each graph drawn alone (one image per call runs on one
    /// thread), pixels and ground truth, and `renderPixels` equals `render`'s pixels.
    func testBatchEqualsOneByOneWhateverTheThreads() throws {
        let r = try SceneBuilder.renderer()
        let graphs = scenes()
        let batch = try r.render(graphs)
        let single = try graphs.map { try r.render([$0])[0] }
        XCTAssertEqual(batch, single)
        XCTAssertEqual(try r.renderPixels(graphs), batch.flatMap(\.image.pixels))
        // Many threads at once on copies of the batch: the same bytes.
        let copies = try parallelRender(r, graphs, times: 4)
        for c in copies { XCTAssertEqual(c, batch) }
    }

    func parallelRender(_ r: Renderer3D, _ graphs: [SceneGraph], times: Int) throws -> [[RenderedImage]] {
        let lock = NSLock()
        var out = [[RenderedImage]?](repeating: nil, count: times)
        DispatchQueue.concurrentPerform(iterations: times) { t in
            let result = try? r.render(graphs)
            lock.lock(); out[t] = result; lock.unlock()
        }
        return try out.map { try XCTUnwrap($0) }
    }

    /// Grey and RGBA canvases: luminance and opaque alpha.
    func testChannels() throws {
        let g = scenes()[3]
        let rgb = try SceneBuilder.renderer().render([g])[0].image.pixels
        let grey = try Renderer3D(canvas: Canvas(width: 128, height: 64, channels: 1), classes: SceneBuilder.classes).render([g])[0].image.pixels
        let rgba = try Renderer3D(canvas: Canvas(width: 128, height: 64, channels: 4), classes: SceneBuilder.classes).render([g])[0].image.pixels
        for p in stride(from: 0, to: 128 * 64, by: 97) {
            XCTAssertEqual(grey[p], 0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2], accuracy: 1e-6)
            XCTAssertEqual(rgba[4 * p + 3], 1)
            XCTAssertEqual(rgba[4 * p + 1], rgb[3 * p + 1])
        }
    }
}
