import Foundation
import Datasets
import TestSupport
import XCTest
@testable import MetaSim

/// KITTI-style AP (`kittiAveragePrecision`) on hand-computed cases and against pycocotools'
/// COCOeval on a fixed case (scripts/check_detection_ap.py wrote the fixture's values).
final class DetectionAPTests: XCTestCase {
    func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> PixelBox { PixelBox(x0: x0, y0: y0, x1: x1, y1: y1) }
    func car(_ b: PixelBox, occlusion: Int = 0, truncation: Double = 0) -> LabelledBox {
        LabelledBox(classIndex: 0, box: b, truncation: truncation, occlusionLevel: occlusion)
    }
    func det(_ b: PixelBox, _ score: Double) -> Detection { Detection(classIndex: 0, box: b, score: score) }
    let moderate = DetectionCriteria(.moderate, iou: 0.7)
    func ap(_ d: [[Detection]], _ g: [[LabelledBox]], _ c: DetectionCriteria? = nil) -> Double? {
        kittiAveragePrecision(detections: d, groundTruth: g, classIndex: 0, criteria: c ?? moderate)
    }

    func testBoxGeometryByHand() {
        let a = box(0, 0, 10, 10), b = box(5, 0, 15, 10)
        XCTAssertEqual(a.intersection(b), 50)
        XCTAssertEqual(a.iou(b), 50.0 / 150, accuracy: 1e-12)
        XCTAssertEqual(box(2, 2, 4, 4).overlapOfSelf(with: a), 1)
        XCTAssertEqual(KITTIObjectLabel.occlusionLevel(fraction: 0), 0)
        XCTAssertEqual(KITTIObjectLabel.occlusionLevel(fraction: 0.3), 1)
        XCTAssertEqual(KITTIObjectLabel.occlusionLevel(fraction: 0.8), 2)
        XCTAssertEqual(KITTIObjectLabel.occlusionLevel(fraction: nil), 3)
    }

    func testDifficultyThresholdsAreKITTIs() {
        XCTAssertEqual(KITTIDifficulty.allCases.map(\.minimumHeight), [40, 25, 25])
        XCTAssertEqual(KITTIDifficulty.allCases.map(\.maximumOcclusion), [0, 1, 2])
        XCTAssertEqual(KITTIDifficulty.allCases.map(\.maximumTruncation), [0.15, 0.3, 0.5])
        XCTAssertEqual(DetectionCriteria(.easy, iou: 0.7, imageHeight: 187.5).minimumHeight, 20)
    }

    func testPerfectAndMissedDetections() {
        let g = car(box(10, 10, 60, 50))
        XCTAssertEqual(ap([[det(box(10, 10, 60, 50), 0.9)]], [[g]]), 1)
        XCTAssertEqual(ap([[]], [[g]]), 0)
        XCTAssertNil(ap([[det(box(10, 10, 60, 50), 0.9)]], [[]]), "no counted object: AP undefined")
    }

    /// Two cars; detections in score order: hit, miss, hit. Precision 1, 1/2, 2/3 at recall
    /// 1/2, 1/2, 1 → envelope 1 for r ≤ 1/2 (20 points), 2/3 above (20 points): AP = 5/6.
    func testInterpolatedPrecisionByHand() {
        let a = box(0, 0, 50, 40), b = box(100, 0, 150, 40)
        let dets = [det(a, 0.9), det(box(300, 0, 350, 40), 0.8), det(b, 0.7)]
        let expected: Double = (20 + 20 * 2.0 / 3) / 40
        XCTAssertEqual(ap([dets], [[car(a), car(b)]])!, expected, accuracy: 1e-12)
        // The same over two images: pooled ranking.
        XCTAssertEqual(ap([[dets[0], dets[1]], [dets[2]]], [[car(a)], [car(b)]])!, 5.0 / 6, accuracy: 1e-12)
    }

    func testIoUThresholdIsStrict() {
        let g = car(box(0, 0, 100, 50))
        let shifted = det(box(25, 0, 125, 50), 0.9)      // IoU 75/125 = 0.6
        XCTAssertEqual(ap([[shifted]], [[g]]), 0, "IoU 0.6 misses at 0.7")
        XCTAssertEqual(ap([[shifted]], [[g]], DetectionCriteria(.moderate, iou: 0.5)), 1)
        XCTAssertEqual(ap([[shifted]], [[g]], DetectionCriteria(.moderate, iou: 0.6)), 0, "KITTI needs IoU above the threshold")
    }

    func testIgnoredObjectsDoNotCount() {
        let counted = car(box(0, 0, 60, 50))
        let low = car(box(200, 0, 260, 20))                      // 20 px ≤ 25: ignored at moderate
        let occluded = car(box(300, 0, 360, 50), occlusion: 2)   // ignored at moderate, counted at hard
        let truncated = car(box(400, 0, 460, 50), truncation: 0.4)
        let dets = [det(low.box, 0.95), det(occluded.box, 0.94), det(truncated.box, 0.93), det(counted.box, 0.5)]
        let g = [counted, low, occluded, truncated]
        XCTAssertEqual(ap([dets], [g]), 1, "detections of ignored objects are neither true nor false positives")
        // Hard counts the occluded and truncated cars: three of three counted found, ranked first.
        XCTAssertEqual(ap([dets], [g], DetectionCriteria(.hard, iou: 0.7)), 1)
        // Easy ignores all but the first (< 40 px is not the issue: 50 px tall; occlusion and truncation are).
        XCTAssertEqual(ap([[det(occluded.box, 0.9)]], [[occluded, counted]], DetectionCriteria(.easy, iou: 0.7)), 0)
        // Without the ignore rule the same detections would rank 3 false positives first.
        let strict = DetectionCriteria(minimumHeight: 0, maximumOcclusion: 3, maximumTruncation: 1, iou: 0.7)
        XCTAssertEqual(ap([dets], [g], strict), 1, "all four counted and found")
    }

    func testLowAndDontCareDetectionsAreIgnored() {
        let g = car(box(0, 0, 60, 50))
        let dontCare = LabelledBox(classIndex: nil, box: box(500, 0, 600, 60))
        let inDontCare = det(box(510, 10, 560, 50), 0.99)       // all of it inside the region
        let low = det(box(300, 0, 330, 20), 0.98)                // 20 px: lower than 25
        let fp = det(box(300, 100, 360, 150), 0.97)              // a real false positive
        XCTAssertEqual(ap([[inDontCare, low, det(g.box, 0.5)]], [[g, dontCare]]), 1)
        XCTAssertEqual(ap([[fp, det(g.box, 0.5)]], [[g, dontCare]]), 0.5, "precision 1/2 at recall 1")
        XCTAssertEqual(ap([[inDontCare, det(g.box, 0.5)]], [[g]]), 0.5, "without the region it is a false positive")
    }

    func testEachObjectMatchesOnce() {
        let g = car(box(0, 0, 60, 50))
        // Duplicate detections: the second is a false positive.
        XCTAssertEqual(ap([[det(g.box, 0.9), det(box(1, 0, 61, 50), 0.8)]], [[g]]), 1, "the duplicate ranks after the hit")
        XCTAssertEqual(ap([[det(box(1, 0, 61, 50), 0.9), det(g.box, 0.95)]], [[g]]), 1)
        // A false positive, then the first overlapping detection takes the object (precision 1/2
        // at recall 1), then the exact box comes too late: a duplicate.
        XCTAssertEqual(ap([[det(box(300, 0, 360, 50), 0.99), det(box(1, 0, 61, 50), 0.5), det(g.box, 0.4)]], [[g]])!, 0.5,
                       accuracy: 1e-12)
    }

    /// The fixture: 12 images of random cars, DontCare regions, false positives; AP per level and
    /// IoU as pycocotools' COCOeval computes it with the conventions aligned (see the script).
    func testMatchesCOCOevalOnFixture() throws {
        let url = URL(fileURLWithPath: Repository.path("Tests/MetaSimTests/Fixtures/detection-ap.json"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let images = json["images"] as! [[String: Any]]
        let expected = json["cocoeval_ap"] as! [String: Double]
        func pixelBox(_ a: Any?) -> PixelBox { let v = a as! [Double]; return box(v[0], v[1], v[2], v[3]) }
        let truth = images.map { image in
            (image["ground_truth"] as! [[String: Any]]).map { g in
                LabelledBox(classIndex: (g["dont_care"] as! Bool) ? nil : 0, box: pixelBox(g["box"]),
                            truncation: g["truncation"] as! Double, occlusionLevel: g["occlusion"] as! Int)
            }
        }
        let detections = images.map { image in
            (image["detections"] as! [[String: Any]]).map { det(pixelBox($0["box"]), $0["score"] as! Double) }
        }
        XCTAssertEqual(expected.count, 6)
        for level in KITTIDifficulty.allCases {
            for iou in [0.7, 0.5] {
                let value = ap(detections, truth, DetectionCriteria(level, iou: iou))
                XCTAssertEqual(value!, expected["\(level.rawValue)@\(iou)"]!, accuracy: 1e-9, "\(level) @ \(iou)")
            }
        }
    }
}
