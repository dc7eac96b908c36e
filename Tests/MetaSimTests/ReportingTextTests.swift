import XCTest
@testable import MetaSim

/// What the terminal says at the end of loops and runs.
final class ReportingTextTests: XCTestCase {
    func testProgressBarKeepsItsTrueCountWhenItStopsEarly() {
        let early = ProgressBar("stage 1", total: 500, quiet: true)
        early.advance(by: 57)
        XCTAssertEqual(early.countText, "57/500")
        early.finish()
        XCTAssertEqual(early.countText, "57/500, stopped early")
        let whole = ProgressBar("stage 2", total: 3, quiet: true)
        whole.advance(by: 3)
        whole.finish()
        XCTAssertEqual(whole.countText, "3/3")
    }

    func testResultsTableClaimsTestImagesOnlyWithATestSet() {
        var results = RunResults(experiment: "x", trainImages: 100, testImages: 0)
        results.learnedAttributeMeans = ["yaw": 90]
        XCTAssertTrue(ResultsTable(results).text.contains("no labelled target test set"), ResultsTable(results).text)
        XCTAssertFalse(ResultsTable(results).text.contains("test images"))
        results.testImages = 50
        results.priorScores = ["target_accuracy": 0.5]
        results.metasimScores = ["target_accuracy": 0.9]
        results.priorKID = 2
        results.metasimKID = 0.5
        results.kidImages = 50
        let text = ResultsTable(results).text
        XCTAssertTrue(text.contains("tested on 50 target images"), text)
        XCTAssertTrue(text.contains("KID to target (50 images)") && text.contains("0.5000"), text)
        XCTAssertFalse(text.contains("oracle"), text)
        results.oracleScores = ["target_accuracy": 0.975]
        results.oracleSource = "target_validation"
        results.oracleTrainImages = 20
        results.learnedAttributeQuantiles = ["yaw": [80, 85, 90, 95, 100]]
        let withOracle = ResultsTable(results).text
        XCTAssertTrue(withOracle.contains("target / oracle") && withOracle.contains("97.5 %"), withOracle)
        XCTAssertTrue(withOracle.contains("the 20 labelled target validation images"), withOracle)
        XCTAssertTrue(withOracle.contains("80.00 / 90.00 / 100.00"), withOracle)
        var paired = results
        paired.oracleSource = "target_grammar_paired"
        XCTAssertTrue(ResultsTable(paired).text.contains("20 images of the target grammar sharing the prior arm's scene structures"), ResultsTable(paired).text)
        XCTAssertFalse(withOracle.contains("±"), "a single training has no spread")
        results.metasimScoreRuns = [0.8, 0.9, 1.0].map { ["target_accuracy": $0] }
        results.priorScoreRuns = [0.4, 0.5, 0.6].map { ["target_accuracy": $0] }
        let repeated = ResultsTable(results).text
        XCTAssertTrue(repeated.contains("90.0 % ± 10.0") && repeated.contains("50.0 % ± 10.0"), repeated)
        XCTAssertTrue(repeated.contains("each 3 times (mean ± SD)"), repeated)
    }
}
