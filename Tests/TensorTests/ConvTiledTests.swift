import XCTest
import Tensor

/// The convolutions for images with ≥ 256 output pixels — tap-wise GEMMs (`ConvTapwise`), tiles
/// of im2col (`ConvTiled`) and the image-by-image path left to wide layers — against the definition:
/// forward values and the exact input, weight and bias gradients computed by direct loops, on
/// odd sizes, strides, paddings and channel counts (tiles that cross output rows, a last
/// partial tile, batches that are not a multiple of the weight-gradient block of 4 images).
final class ConvTiledTests: XCTestCase {
    struct Case {
        var n, c, h, w, o, kh, kw: Int
        var stride: (Int, Int)
        var padding: Padding
        var pads: (top: Int, bottom: Int, left: Int, right: Int)
    }

    let cases: [Case] = [
        // 3 → 16 channels like the segmenter's first layer, 19×17 (tiles of 128 cross rows of 17)
        Case(n: 6, c: 3, h: 19, w: 17, o: 16, kh: 3, kw: 3, stride: (1, 1), padding: .same, pads: (1, 1, 1, 1)),
        // odd channel counts, 5 images (a block of 4 and one of 1)
        Case(n: 5, c: 7, h: 16, w: 21, o: 9, kh: 3, kw: 3, stride: (1, 1), padding: .symmetric(1), pads: (1, 1, 1, 1)),
        // stride 2, asymmetric SAME padding: 35×33 → 18×17
        Case(n: 3, c: 4, h: 35, w: 33, o: 6, kh: 3, kw: 3, stride: (2, 2), padding: .same, pads: (1, 1, 1, 1)),
        // explicit asymmetric padding, 5×3 kernel, stride (1, 2)
        Case(n: 2, c: 3, h: 23, w: 40, o: 5, kh: 5, kw: 3, stride: (1, 2),
             padding: .explicit(top: 2, bottom: 0, left: 1, right: 2), pads: (2, 0, 1, 2)),
        // pointwise (the image is its own column matrix), 16 → 4 like the segmenter's head
        Case(n: 5, c: 16, h: 17, w: 16, o: 4, kh: 1, kw: 1, stride: (1, 1), padding: .valid, pads: (0, 0, 0, 0)),
        // 1×1 with stride 2 (not pointwise: gathered)
        Case(n: 2, c: 5, h: 40, w: 34, o: 3, kh: 1, kw: 1, stride: (2, 2), padding: .valid, pads: (0, 0, 0, 0)),
        // Tap-wise GEMMs (stride 1, ≥ 8 input channels):
        // 16 → 16 like the segmenter's second layer, 6 images (blocks of 4 and 2), 17×19
        Case(n: 6, c: 16, h: 17, w: 19, o: 16, kh: 3, kw: 3, stride: (1, 1), padding: .same, pads: (1, 1, 1, 1)),
        // 48 → 16 like its last 3×3 layer, odd size 16×23
        Case(n: 2, c: 48, h: 16, w: 23, o: 16, kh: 3, kw: 3, stride: (1, 1), padding: .symmetric(1), pads: (1, 1, 1, 1)),
        // 9 channels, 5×3 kernel, asymmetric explicit padding, 5 output channels
        Case(n: 5, c: 9, h: 20, w: 18, o: 5, kh: 5, kw: 3, stride: (1, 1),
             padding: .explicit(top: 1, bottom: 3, left: 0, right: 2), pads: (1, 3, 0, 2)),
        // no padding (the grid's dropped columns are real pixels' neighbours), 8 channels
        Case(n: 3, c: 8, h: 21, w: 22, o: 7, kh: 3, kw: 3, stride: (1, 1), padding: .valid, pads: (0, 0, 0, 0)),
        // 32 → 128 at 16×16: tap-wise (128 · 256 · 32 ≤ 10⁶)
        Case(n: 2, c: 32, h: 16, w: 16, o: 128, kh: 3, kw: 3, stride: (1, 1), padding: .same, pads: (1, 1, 1, 1)),
        // wide strided layer: 128 · 32 · 288 > 10⁶ multiply-adds per 32-pixel tile → image-by-image path
        Case(n: 2, c: 32, h: 32, w: 32, o: 128, kh: 3, kw: 3, stride: (2, 2), padding: .same, pads: (0, 1, 0, 1)),
    ]

    func testValuesAndGradientsMatchTheDefinition() {
        for (index, t) in cases.enumerated() {
            let x = random([t.n, t.c, t.h, t.w], seed: 100 + UInt64(index)).requiringGrad()
            let w = random([t.o, t.c, t.kh, t.kw], seed: 200 + UInt64(index)).requiringGrad()
            let b = random([t.o], seed: 300 + UInt64(index)).requiringGrad()
            let y = x.conv2d(weight: w, bias: b, stride: t.stride, padding: t.padding)
            let reference = ReferenceConv(x: x, w: w, stride: t.stride, pads: t.pads)
            XCTAssertGreaterThanOrEqual(reference.oh * reference.ow, 256, "case \(index) must take a per-image path")
            assertClose(y, reference.forward() + b.reshaped([1, t.o, 1, 1]), tol: 1e-4)
            let seed = random(y.shape, seed: 400 + UInt64(index))
            let g = gradients(of: y, seed: seed, wrt: [x, w, b])
            let (dx, dw) = reference.backward(seed)
            assertClose(g[0], dx, tol: 1e-4)
            assertClose(g[1], dw, tol: 1e-3)
            assertClose(g[2], seed.sum(axes: [0, 2, 3]), tol: 1e-3)
            // Only one of the gradients asked for (the first layer needs no input gradient).
            assertClose(gradients(of: y, seed: seed, wrt: [w])[0], dw, tol: 1e-3)
            assertClose(gradients(of: y, seed: seed, wrt: [x])[0], dx, tol: 1e-4)
        }
    }

    func testFiniteDifferences() {
        for (index, t) in cases.prefix(10).enumerated() {
            let x = random([t.n, t.c, t.h, t.w], seed: 500 + UInt64(index))
            let w = random([t.o, t.c, t.kh, t.kw], seed: 600 + UInt64(index))
            let b = random([t.o], seed: 700 + UInt64(index))
            assertGradients([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: t.stride, padding: t.padding) }
        }
    }

    /// The same convolution on a batch and on each image alone gives the same values: tiles and
    /// weight-gradient blocks depend on the shape only.
    func testBatchEqualsImageByImage() {
        let x = random([6, 3, 18, 20], seed: 801), w = random([8, 3, 3, 3], seed: 802)
        let batch = x.conv2d(weight: w, padding: .same)
        for i in 0..<6 {
            XCTAssertEqual(batch.slice(axis: 0, i..<(i + 1)).data, x.slice(axis: 0, i..<(i + 1)).conv2d(weight: w, padding: .same).data)
        }
    }
}

/// Cross-correlation with zero padding and its exact gradients, by direct loops.
struct ReferenceConv {
    let x, w: [Float]
    let n, c, h, wd, o, kh, kw, sh, sw, oh, ow: Int
    let pads: (top: Int, bottom: Int, left: Int, right: Int)

    init(x: Tensor, w: Tensor, stride: (Int, Int), pads: (top: Int, bottom: Int, left: Int, right: Int)) {
        (self.x, self.w) = (x.data, w.data)
        (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        (sh, sw) = stride
        self.pads = pads
        oh = (h + pads.top + pads.bottom - kh) / sh + 1
        ow = (wd + pads.left + pads.right - kw) / sw + 1
    }

    /// Calls `body(outIndex, inIndex, weightIndex)` for every product of the convolution.
    func forEachProduct(_ body: (Int, Int, Int) -> Void) {
        for img in 0..<n { for oc in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
            let out = ((img * o + oc) * oh + oy) * ow + ox
            for ic in 0..<c { for i in 0..<kh { for j in 0..<kw {
                let iy = oy * sh - pads.top + i, ix = ox * sw - pads.left + j
                guard iy >= 0 && iy < h && ix >= 0 && ix < wd else { continue }
                body(out, ((img * c + ic) * h + iy) * wd + ix, ((oc * c + ic) * kh + i) * kw + j)
            } } }
        } } } }
    }

    func forward() -> Tensor {
        var y = [Double](repeating: 0, count: n * o * oh * ow)
        forEachProduct { out, input, weight in y[out] += Double(x[input]) * Double(w[weight]) }
        return Tensor(shape: [n, o, oh, ow], data: y.map(Float.init))
    }

    /// (dL/dx, dL/dw) for dL/dy = `seed`.
    func backward(_ seed: Tensor) -> (Tensor, Tensor) {
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        let g = seed.data
        forEachProduct { out, input, weight in
            dx[input] += Double(g[out]) * Double(w[weight])
            dw[weight] += Double(g[out]) * Double(x[input])
        }
        return (Tensor(shape: [n, c, h, wd], data: dx.map(Float.init)), Tensor(shape: [o, c, kh, kw], data: dw.map(Float.init)))
    }
}

/// 2×2 max pooling (its own kernel) against the definition: odd sizes (the last row and column
/// dropped), ties (the first maximal tap wins, in values and in where the gradient goes).
final class MaxPool2x2Tests: XCTestCase {
    func testMatchesDefinitionWithTies() {
        let (n, c, h, w) = (2, 3, 7, 9)
        var rng = SplitMix64(seed: 9)
        let values = (0..<(n * c * h * w)).map { _ in Float(Int(rng.next() % 4)) }   // many ties
        let x = Tensor(shape: [n, c, h, w], data: values).requiringGrad()
        let y = x.maxPool2d(kernel: (2, 2))
        XCTAssertEqual(y.shape, [n, c, 3, 4])
        let seed = random(y.shape, seed: 10)
        let dx = gradients(of: y, seed: seed, wrt: [x])[0]
        var expected = [Float](), expectedDx = [Float](repeating: 0, count: values.count)
        for p in 0..<(n * c) { for oy in 0..<3 { for ox in 0..<4 {
            var best = -Float.infinity, at = -1
            for i in 0..<2 { for j in 0..<2 {
                let k = p * h * w + (2 * oy + i) * w + 2 * ox + j
                if at < 0 || values[k] > best { best = values[k]; at = k }
            } }
            expectedDx[at] += seed.data[expected.count]
            expected.append(best)
        } } }
        XCTAssertEqual(y.data, expected)
        XCTAssertEqual(dx.data, expectedDx)
    }
}
