import XCTest
@testable import MetaSim

/// `BoxGeometryMMD`: box vectors, zero for the same boxes, growth with a scale error, the
/// edge cases.
final class BoxGeometryMMDTests: XCTestCase {
    /// Cars whose height grows with their bottom row, as a camera at height `h` sees cars of
    /// 1.5 m on flat ground (box height = 1.5 / h × rows below a horizon at row 40).
    func cars(cameraHeight h: Double) -> [[LabelledBox]] {
        (0..<12).map { i in
            let bottom = 50 + 6 * Double(i), height = 1.5 / h * (bottom - 40)
            return [LabelledBox(classIndex: 0, box: PixelBox(x0: 100, y0: bottom - height, x1: 100 + 1.6 * height, y1: bottom))]
        }
    }

    func testVectorsAreCentreBottomAndSizeOverTheCanvas() {
        let boxes = [[LabelledBox(classIndex: 0, box: PixelBox(x0: 20, y0: 30, x1: 60, y1: 50)),
                      LabelledBox(classIndex: nil, box: PixelBox(x0: 0, y0: 0, x1: 10, y1: 10))]]
        XCTAssertEqual(BoxGeometryMMD.vectors(boxes, width: 200, height: 100), [0.2, 0.5, 0.4, 0.2], "DontCare left out")
    }

    func testTheSameBoxesScoreZeroAndACameraTooLowScoresMoreTheFurtherItIsOff() throws {
        let score = try XCTUnwrap(BoxGeometryMMD(validation: cars(cameraHeight: 1.65), width: 256, height: 128, scales: [0.25, 1, 4]))
        XCTAssertEqual(score.value(of: cars(cameraHeight: 1.65)), 0, accuracy: 1e-9)
        let near = score.value(of: cars(cameraHeight: 1.55)), far = score.value(of: cars(cameraHeight: 1.35))
        XCTAssertGreaterThan(near, 1e-4)
        XCTAssertGreaterThan(far, 2 * near)
        XCTAssertGreaterThan(score.value(of: cars(cameraHeight: 1.75)), 1e-4)
    }

    func testAnEmptyBatchRanksLastAndValidationWithoutBoxesIsRefused() throws {
        let score = try XCTUnwrap(BoxGeometryMMD(validation: cars(cameraHeight: 1.65), width: 256, height: 128, scales: [1, 4]))
        XCTAssertEqual(score.value(of: [[], []]), 4)
        XCTAssertLessThan(score.value(of: cars(cameraHeight: 0.6)), 4)
        XCTAssertNil(BoxGeometryMMD(validation: [[], [LabelledBox(classIndex: nil, box: PixelBox(x0: 0, y0: 0, x1: 5, y1: 5))]],
                                    width: 16, height: 16, scales: [1]))
    }
}
