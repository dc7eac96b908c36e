import Codecs
@testable import MetaSim
import Tensor
import XCTest

/// `BoxShadingMMD`: contrast vectors of known halves, which boxes count, zero for the same
/// boxes, the mirrored light told apart, the same value from a channels-first tensor and an
/// image, and the empty cases.
final class BoxShadingMMDTests: XCTestCase {
    /// A 12 × 8 grey plane whose columns 2…5 are 0.2 and 6…9 are 0.6 in rows 1…6 (the box),
    /// 1 elsewhere; rows 1…3 of the box are the top half.
    private func plane(top: Float = 0) -> [Float] {
        var l = [Float](repeating: 1, count: 12 * 8)
        for y in 1..<7 { for x in 2..<10 { l[y * 12 + x] = (x < 6 ? 0.2 : 0.6) + (y < 4 ? top : 0) } }
        return l
    }

    private func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, classIndex: Int? = 0) -> LabelledBox {
        LabelledBox(classIndex: classIndex, box: PixelBox(x0: x0, y0: y0, x1: x1, y1: y1))
    }

    func testContrastsOfKnownHalves() {
        let c = BoxShadingMMD.contrasts([box(2, 1, 10, 7)], luminance: plane(), width: 12, height: 8)
        XCTAssertEqual(c.count, 2)
        XCTAssertEqual(c[0], (0.6 - 0.2) / (0.6 + 0.2), accuracy: 1e-6, "right half brighter: positive")
        XCTAssertEqual(c[1], 0, accuracy: 1e-6, "top and bottom alike")
        let lit = BoxShadingMMD.contrasts([box(2, 1, 10, 7)], luminance: plane(top: 0.4), width: 12, height: 8)
        XCTAssertEqual(lit[1], (0.4 - 0.8) / (0.4 + 0.8), accuracy: 1e-6, "brighter top: negative")
        // Fractional edges round outwards: the same pixels.
        XCTAssertEqual(BoxShadingMMD.contrasts([box(2.4, 1.2, 9.6, 6.5)], luminance: plane(), width: 12, height: 8), c)
    }

    func testOnlyLargeEnoughClassBoxesCount() {
        let l = plane()
        XCTAssertEqual(BoxShadingMMD.contrasts([box(2, 1, 10, 7, classIndex: nil)], luminance: l, width: 12, height: 8), [], "DontCare")
        XCTAssertEqual(BoxShadingMMD.contrasts([box(2, 1, 5, 7)], luminance: l, width: 12, height: 8), [], "3 px wide")
        XCTAssertEqual(BoxShadingMMD.contrasts([box(9, 5, 40, 30)], luminance: l, width: 12, height: 8), [], "3 × 3 px once clipped")
        XCTAssertEqual(BoxShadingMMD.contrasts([box(-.infinity, 1, 10, 7), box(.nan, 1, 10, 7)], luminance: l, width: 12, height: 8), [])
        XCTAssertEqual(BoxShadingMMD.contrasts([box(-1e300, -1e300, 1e300, 1e300)], luminance: l, width: 12, height: 8).count, 2,
                       "clipped to the whole image")
        XCTAssertEqual(BoxShadingMMD.contrasts([box(0, 0, 4, 4)], luminance: [Float](repeating: 0, count: 96), width: 12, height: 8),
                       [0, 0], "black halves: contrast 0")
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
