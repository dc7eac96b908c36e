import Foundation
import XCTest
@testable import MetaSim

/// A whole toy run into a run folder (`FolderSink`), then what a person looks at: the HTML
/// report, the TensorBoard events, the histograms and the KIDs.
final class RunReportTests: XCTestCase {
    /// The toy problem of `toyTrainer` (square at x = 4 px → 11 px, φ the centroid) into `folder`.
    func runToy(into folder: String) throws -> RunResults {
        try toyTrainer(sink: try FolderSink(creating: folder)).run()
    }

    func testToyRunReportTensorBoardHistogramsAndKID() throws {
        let folder = NSTemporaryDirectory() + "report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try runToy(into: folder)

        // KID: learned data is closer to the target than the prior's (square at 11 vs 4 px).
        let priorKID = try XCTUnwrap(results.priorKID), learnedKID = try XCTUnwrap(results.metasimKID)
        XCTAssertEqual(results.kidImages, 16)
        XCTAssertEqual(results.kidFeatures, "phi", "a custom φ is compared in itself")
        XCTAssertLessThan(learnedKID, priorKID / 4, "prior \(priorKID), learned \(learnedKID)")

        // Histograms per epoch: loc_x over [0, 16] in 25 bins of 0.64 px; 4 px is bin 6, 11 px bin 17.
        let lines = try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        let histograms = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["stage"] as? String == "histograms" }
        XCTAssertEqual(histograms.map { $0["epoch"] as? Int }, [1, 2])
        let last = try XCTUnwrap(histograms.last?["histograms"] as? [String: Any])
        func mode(_ set: String) throws -> Int {
            let h = try XCTUnwrap(AttributeHistogram(record: (last[set] as? [String: Any])?["loc_x"]), set)
            XCTAssertEqual(h.counts.count, 25)
            return h.counts.indices.max { h.counts[$0] < h.counts[$1] }!
        }
        XCTAssertEqual(try mode("prior"), 6)
        XCTAssertEqual(try mode("target"), 17)
        XCTAssertEqual(Double(try mode("learned")), 17, accuracy: 2)

        // The report: self-contained, every part present.
        let path = try RunReport(folder: folder).write()
        let html = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertEqual(html.components(separatedBy: "data:image/png;base64,").count - 1, 5, "target, prior, 2 epochs, learned")
        XCTAssertFalse(html.contains("src=\"http") || html.contains("href=\"http") || html.contains("url(http"), "nothing from the network")
        for part in ["Stage 1: reconstruction", "Stage 2: MMD² to the target", "Mean loc_x", "epoch 1", "epoch 2", "KID to target",
                     "mean loc_x", "settings", "learningRate", "<svg", "<polyline"] {
            XCTAssertTrue(html.contains(part), part)
        }
        XCTAssertEqual(html.components(separatedBy: "class=\"hist\"").count - 1, 2, "one histogram chart per epoch")

        // TensorBoard: one event file with scalars, the grids and histograms.
        let events = try FileManager.default.contentsOfDirectory(atPath: folder + "/tensorboard")
        XCTAssertEqual(events.count, 1)
        let records = try XCTUnwrap(TFRecord.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/tensorboard/" + events[0])))))
        let text = records.map { String(decoding: $0, as: UTF8.self) }
        for tag in ["reconstruction/attribute_mse", "matching/mmd", "attribute_mean/loc_x", "grids/epoch-002", "grids/learned",
                    "histogram/prior/loc_x", "histogram/learned/loc_x", "histogram/target/loc_x"] {
            XCTAssertTrue(text.contains { $0.contains(tag) }, tag)
        }
        XCTAssertEqual(text.filter { $0.contains("matching/mmd") }.count, 60)
    }

    /// With `task_network.repeats` > 1 the results table shows each mean ± the repeats' SD, and
    /// the `*_runs` lists are not rows of their own.
    func testReportShowsTheSpreadOfRepeatedTrainings() throws {
        let folder = NSTemporaryDirectory() + "report-runs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data().write(to: URL(fileURLWithPath: folder + "/metrics.jsonl"))
        var results = RunResults(experiment: "x", trainImages: 10, testImages: 5)
        results.priorScores = ["ap_moderate": 0.2]
        results.metasimScores = ["ap_moderate": 0.5]
        results.priorScoreRuns = [0.1, 0.2, 0.3].map { ["ap_moderate": $0] }
        results.metasimScoreRuns = [0.5, 0.5, 0.5].map { ["ap_moderate": $0] }
        try JSONEncoder().encode(results).write(to: URL(fileURLWithPath: folder + "/results.json"))
        let html = try String(contentsOfFile: try RunReport(folder: folder).write(), encoding: .utf8)
        XCTAssertTrue(html.contains("20.0 % ± 10.0") && html.contains("50.0 % ± 0.0"), html)
        XCTAssertFalse(html.contains("moderate runs"), "no row for the lists")
    }

    func testReportOfAFolderThatIsNotARun() {
        XCTAssertThrowsError(try RunReport(folder: NSTemporaryDirectory() + "no-run-\(UUID().uuidString)"))
    }

    func testHistogramBinsAndClamping() {
        let h = AttributeHistogram(values: [-5, 0, 0.99, 1, 9.99, 10, 50, .nan], min: 0, max: 10, bins: 10)
        XCTAssertEqual(h.counts, [3, 1, 0, 0, 0, 0, 0, 0, 0, 3])
        XCTAssertEqual(AttributeHistogram(record: h.record), h)
        XCTAssertNil(AttributeHistogram(record: ["min": 1, "max": 0, "counts": [1]]))
    }
}
