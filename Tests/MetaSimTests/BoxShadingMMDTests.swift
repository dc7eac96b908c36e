import Codecs
@testable import MetaSim
import Tensor
import XCTest

/// `BoxShadingMMD`: shading vectors of known cells, which boxes count, zero for the same
/// boxes, the mirrored light told apart, the same value from a channels-first tensor and an
/// image, and the empty cases.
final class BoxShadingMMDTests: XCTestCase {
    /// A 16 × 12 grey plane whose box, columns 2…13 and rows 1…9, is 0.2, 0.4 and 0.6 in its
    /// left, middle and right 4 columns, plus `top` in its top 3 rows; 1 elsewhere.
    private func plane(top: Float = 0) -> [Float] {
        var l = [Float](repeating: 1, count: 16 * 12)
        for y in 1..<10 { for x in 2..<14 { l[y * 16 + x] = [0.2, 0.4, 0.6][(x - 2) / 4] + (y < 4 ? top : 0) } }
        return l
    }

    private func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, classIndex: Int? = 0) -> LabelledBox {
        LabelledBox(classIndex: classIndex, box: PixelBox(x0: x0, y0: y0, x1: x1, y1: y1))
    }

    private func assertEqual(_ a: [Float], _ b: [Float], _ message: String, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-6, "\(message): \(a)", line: line) }
    }

    func testShadingOfKnownCells() {
        let c = BoxShadingMMD.shading([box(2, 1, 14, 10)], luminance: plane(), width: 16, height: 12)
        assertEqual(c, [0.5, 1, 1.5, 0.5, 1, 1.5, 0.5, 1, 1.5], "each cell's mean over the box's (0.4), rows top first")
        let lit = BoxShadingMMD.shading([box(2, 1, 14, 10)], luminance: plane(top: 0.3), width: 16, height: 12)
        assertEqual(lit, [0.5, 0.7, 0.9, 0.2, 0.4, 0.6, 0.2, 0.4, 0.6].map { $0 / 0.5 }, "brighter top row (box mean 0.5)")
        assertEqual(BoxShadingMMD.shading([box(2.4, 1.2, 13.6, 9.5)], luminance: plane(), width: 16, height: 12), c,
                    "fractional edges round outwards: the same pixels")
        let halfLight = BoxShadingMMD.shading([box(2, 1, 14, 10)], luminance: plane().map { $0 / 2 }, width: 16, height: 12)
        assertEqual(halfLight, c, "half the light everywhere: the same shading")
    }

    func testOnlyLargeEnoughClassBoxesCount() {
        let l = plane()
        XCTAssertEqual(BoxShadingMMD.shading([box(2, 1, 14, 10, classIndex: nil)], luminance: l, width: 16, height: 12), [], "DontCare")
        XCTAssertEqual(BoxShadingMMD.shading([box(2, 1, 7, 10)], luminance: l, width: 16, height: 12), [], "5 px wide")
        XCTAssertEqual(BoxShadingMMD.shading([box(11, 7, 40, 30)], luminance: l, width: 16, height: 12), [], "5 × 5 px once clipped")
        XCTAssertEqual(BoxShadingMMD.shading([box(-.infinity, 1, 14, 10), box(.nan, 1, 14, 10)], luminance: l, width: 16, height: 12), [])
        XCTAssertEqual(BoxShadingMMD.shading([box(-1e300, -1e300, 1e300, 1e300)], luminance: l, width: 16, height: 12).count, 9,
                       "clipped to the whole image")
        XCTAssertEqual(BoxShadingMMD.shading([box(0, 0, 6, 6)], luminance: [Float](repeating: 0, count: 16 * 12), width: 16, height: 12),
                       [Float](repeating: 1, count: 9), "a black box: every cell at the box's mean")
    }

    /// RGB images of one box each, lit from the right (`right` > `left`) or the left; the right
    /// half brighter by 0…0.3 from image to image, everything in the box times `gain`.
    private func images(count: Int, left: Float, right: Float, gain: Float = 1) -> [Image] {
        (0..<count).map { i in
            var image = Image(width: 16, height: 12, channels: 3, fill: 0.5)
            let jitter = Float(i % 4) * 0.1
            for y in 2..<10 { for x in 3..<13 {
                let v = gain * (x < 8 ? left : right + jitter)
                for k in 0..<3 { image.pixels[(y * 16 + x) * 3 + k] = v * [1, 0.8, 0.6][k] }
            } }
            return image
        }
    }

    private func validation(_ images: [Image]) -> (Tensor, [[LabelledBox]]) {
        (tensor(images), images.map { _ in [box(3, 2, 13, 10)] })
    }

    func testTheSameBoxesScoreZeroAndTheMirroredLightScoresHigher() throws {
        let target = images(count: 8, left: 0.2, right: 0.7)
        let (bank, objects) = validation(target)
        let score = try XCTUnwrap(BoxShadingMMD(validation: bank, objects: objects, scales: [0.25, 1, 4]))
        XCTAssertEqual(score.value(of: target, objects: objects), 0, accuracy: 1e-6, "same images, channels-first bank")
        let mirrored = score.value(of: images(count: 8, left: 0.7, right: 0.2), objects: objects)
        let duller = score.value(of: images(count: 8, left: 0.25, right: 0.65), objects: objects)
        let darker = score.value(of: images(count: 8, left: 0.2, right: 0.7, gain: 0.5), objects: objects)
        XCTAssertGreaterThan(mirrored, duller, "the mirror is further than a weaker light from the same side")
        XCTAssertGreaterThan(duller, 0.01)
        XCTAssertLessThan(darker, 1e-3, "half the light on both halves: the same ratio")
    }

    func testEmptyCases() throws {
        let target = images(count: 4, left: 0.2, right: 0.7)
        let (bank, objects) = validation(target)
        XCTAssertNil(BoxShadingMMD(validation: bank, objects: objects.map { _ in [box(3, 2, 5, 10)] }, scales: [1]), "only 2-px boxes")
        XCTAssertNil(BoxShadingMMD(validation: bank, objects: objects.map { _ in [] }, scales: [1]))
        let score = try XCTUnwrap(BoxShadingMMD(validation: bank, objects: objects, scales: [0.5, 2]))
        XCTAssertEqual(score.value(of: target, objects: objects.map { _ in [] }), 4, "no box: 2 × scales, the largest value")
    }
}
