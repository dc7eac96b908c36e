import NN
import Tensor
import XCTest
@testable import MetaSim

final class FeatureExtractorTests: XCTestCase {
    func testSelectionsFlattenOrAverageStages() throws {
        XCTAssertEqual(FeatureExtractor.Selection(name: "group3"), FeatureExtractor.Selection(.group3))
        XCTAssertEqual(FeatureExtractor.Selection(name: "group3_mean"), FeatureExtractor.Selection(.group3, spatialMean: true))
        XCTAssertNil(FeatureExtractor.Selection(name: "group9_mean"))
        let network = try bundledFeatureNetwork()
        var rng = SplitMix64(seed: 1)
        let images = Tensor.uniform([2, 1, 32, 32], rng: &rng)
        let flat = FeatureExtractor(network: network, stages: [.group3])(images)
        let both = FeatureExtractor(network: network, selections: [FeatureExtractor.Selection(.group3), FeatureExtractor.Selection(.group3, spatialMean: true)])(images)
        XCTAssertEqual(flat.shape, [2, 40 * 4 * 4])
        XCTAssertEqual(both.shape, [2, 40 * 4 * 4 + 40])
        // The averaged part is the mean of each channel's 4x4 map.
        let firstChannel = flat.data[0..<16].reduce(0, +) / 16
        XCTAssertEqual(both.data[640], firstChannel, accuracy: 1e-5)
    }
}
