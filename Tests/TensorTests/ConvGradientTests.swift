import XCTest
import Tensor

final class ConvGradientTests: XCTestCase {
    func testConv2dGradients() {
        let x = random([2, 3, 6, 5], seed: 31), w = random([4, 3, 3, 3], seed: 32), b = random([4], seed: 33)
        assertGradients([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], padding: .symmetric(1)) }
        assertGradients([x, w]) { $0[0].conv2d(weight: $0[1], stride: (2, 2), padding: .same) }
        assertGradients([x, w]) { $0[0].conv2d(weight: $0[1], stride: (2, 1), padding: .explicit(top: 0, bottom: 2, left: 1, right: 0)) }
        let w1 = random([5, 3, 1, 1], seed: 34)
        assertGradients([x, w1, random([5], seed: 35)]) { $0[0].conv2d(weight: $0[1], bias: $0[2]) }
    }

    /// Images with ≥ 256 output pixels take the image-by-image path; check it the same way.
    func testLargeImageConvMatchesDefinitionAndGradients() {
        let x = random([2, 3, 17, 16], seed: 46), w = random([4, 3, 3, 3], seed: 47), b = random([4], seed: 48)
        let expected = naiveConv(x, w, stride: 1, pad: (1, 1, 1, 1), groups: 1) + b.reshaped([1, 4, 1, 1])
        assertClose(x.conv2d(weight: w, bias: b, padding: .same), expected, tol: 1e-5)
        assertGradients([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], padding: .same) }
        let w1 = random([5, 3, 1, 1], seed: 49)
        assertClose(x.conv2d(weight: w1), naiveConv(x, w1, stride: 1, pad: (0, 0, 0, 0), groups: 1), tol: 1e-5)
        assertGradients([x, w1]) { $0[0].conv2d(weight: $0[1]) }
        assertGradients([x, w]) { $0[0].conv2d(weight: $0[1]).sum(axes: [1]) }
        // more images than one chunk (8), stride 2 with asymmetric SAME padding
        let many = random([10, 2, 33, 32], seed: 50), wm = random([3, 2, 3, 3], seed: 51)
        assertClose(many.conv2d(weight: wm, stride: (2, 2), padding: .same),
                    naiveConv(many, wm, stride: 2, pad: (1, 1, 0, 1), groups: 1), tol: 1e-5)
        assertGradients([many, wm]) { $0[0].conv2d(weight: $0[1], stride: (2, 2), padding: .same) }
    }

    func testGroupedAndDepthwiseGradients() {
        let x = random([2, 4, 7, 6], seed: 36)
        let wg = random([6, 2, 3, 3], seed: 37)
        assertGradients([x, wg]) { $0[0].conv2d(weight: $0[1], padding: .same, groups: 2) }
        let wd = random([4, 1, 5, 5], seed: 38), bd = random([4], seed: 39)
        assertGradients([x, wd, bd]) { $0[0].conv2d(weight: $0[1], bias: $0[2], padding: .same, groups: 4) }
        assertGradients([x, wd]) { $0[0].depthwiseConv2d(weight: $0[1], stride: (2, 2), padding: .same) }
        assertGradients([x, random([4, 1, 3, 3], seed: 40)]) { $0[0].depthwiseConv2d(weight: $0[1], stride: (2, 3)) }
    }

    /// Direct definition of cross-correlation with zero padding, for comparison.
    func naiveConv(_ x: Tensor, _ w: Tensor, stride: Int, pad: (Int, Int, Int, Int), groups: Int) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let oh = (h + pad.0 + pad.1 - kh) / stride + 1, ow = (wd + pad.2 + pad.3 - kw) / stride + 1
        var out = [Float](repeating: 0, count: n * o * oh * ow)
        for img in 0..<n { for oc in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
            var acc: Float = 0
            let group = oc / (o / groups)
            for ic in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let iy = oy * stride - pad.0 + i, ix = ox * stride - pad.2 + j
                if iy >= 0 && iy < h && ix >= 0 && ix < wd { acc += x[img, group * cg + ic, iy, ix] * w[oc, ic, i, j] }
            } } }
            out[((img * o + oc) * oh + oy) * ow + ox] = acc
        } } } }
        _ = c
        return Tensor(shape: [n, o, oh, ow], data: out)
    }

    func testConvMatchesDefinitionIncludingSamePadding() {
        let x = random([2, 4, 7, 8], seed: 41)
        let w = random([3, 4, 3, 3], seed: 42)
        // SAME, stride 2 on 7×8: total pad rows max((4-1)*2+3-7,0)=2 → (1,1); cols (4-1)*2+3-8=1 → (0,1)
        assertClose(x.conv2d(weight: w, stride: (2, 2), padding: .same),
                    naiveConv(x, w, stride: 2, pad: (1, 1, 0, 1), groups: 1), tol: 1e-5)
        let wd = random([4, 1, 5, 5], seed: 43)
        assertClose(x.conv2d(weight: wd, padding: .same, groups: 4),
                    naiveConv(x, wd, stride: 1, pad: (2, 2, 2, 2), groups: 4), tol: 1e-5)
        assertClose(x.depthwiseConv2d(weight: wd, stride: (2, 2), padding: .same),
                    naiveConv(x, wd, stride: 2, pad: (2, 2, 1, 2), groups: 4), tol: 1e-5)
        let wg = random([6, 2, 3, 3], seed: 44)
        assertClose(x.conv2d(weight: wg, padding: .symmetric(1), groups: 2),
                    naiveConv(x, wg, stride: 1, pad: (1, 1, 1, 1), groups: 2), tol: 1e-5)
    }

    func testPoolingResizeGradients() {
        let x = randomAwayFromKinks([2, 3, 6, 5], seed: 45)
        assertGradients([x]) { $0[0].maxPool2d(kernel: (2, 2)) }
        assertGradients([x]) { $0[0].maxPool2d(kernel: (3, 3), stride: (2, 2), padding: .same) }
        assertGradients([x]) { $0[0].avgPool2d(kernel: (2, 3), stride: (1, 2), padding: .symmetric(1)) }
        assertGradients([x]) { $0[0].globalAvgPool2d() }
        assertGradients([x]) { $0[0].resizedBilinear(height: 9, width: 4) }
        assertGradients([x]) { $0[0].resizedBilinear(height: 3, width: 11) }
    }

    func testPoolingAndResizeValues() {
        let x = Tensor(shape: [1, 1, 2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(x.maxPool2d(kernel: (2, 2)).data, [6, 8])
        XCTAssertEqual(x.avgPool2d(kernel: (2, 2)).data, [3.5, 5.5])
        XCTAssertEqual(x.globalAvgPool2d().data, [4.5])
        XCTAssertEqual(x.resizedBilinear(height: 2, width: 4).data, x.data)
        // 2×4 → 1×2: half-pixel centres land between rows and between column pairs
        XCTAssertEqual(x.resizedBilinear(height: 1, width: 2).data, [3.5, 5.5])
    }
}
