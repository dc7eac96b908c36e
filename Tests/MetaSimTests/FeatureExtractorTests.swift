import NN
import Tensor
import XCTest
@testable import MetaSim

final class FeatureExtractorTests: XCTestCase {
    func testSelectionsFlattenOrAverageStages() throws {
        XCTAssertEqual(FeatureExtractor.Selection(name: "group3"), FeatureExtractor.Selection(.group3))
        XCTAssertEqual(FeatureExtractor.Selection(name: "group3_mean"), FeatureExtractor.Selection(.group3, pooling: .mean))
        XCTAssertNil(FeatureExtractor.Selection(name: "group9_mean"))
        let network = try bundledFeatureNetwork()
        var rng = SplitMix64(seed: 1)
        let images = Tensor.uniform([2, 1, 32, 32], rng: &rng)
        let flat = FeatureExtractor(network: network, stages: [.group3])(images)
        let both = FeatureExtractor(network: network, selections: [FeatureExtractor.Selection(.group3), FeatureExtractor.Selection(.group3, pooling: .mean)])(images)
        XCTAssertEqual(flat.shape, [2, 40 * 4 * 4])
        XCTAssertEqual(both.shape, [2, 40 * 4 * 4 + 40])
        // The averaged part is the mean of each channel's 4x4 map.
        let firstChannel = flat.data[0..<16].reduce(0, +) / 16
        XCTAssertEqual(both.data[640], firstChannel, accuracy: 1e-5)
    }

    func testPatchesAreOneSamplePerPositionInTheirOwnTerm() throws {
        XCTAssertEqual(FeatureExtractor.Selection(name: "group5_patches"), FeatureExtractor.Selection(.group5, pooling: .patches))
        XCTAssertNil(FeatureExtractor.Selection(name: "group3_patch"))
        let network = try bundledFeatureNetwork()
        var rng = SplitMix64(seed: 2)
        let images = Tensor.uniform([2, 1, 32, 32], rng: &rng)
        let phi = FeatureExtractor(network: network, selections: [Selection(.pooled), Selection(.group3, pooling: .mean),
                                                                  Selection(.group3, pooling: .patches)])
        let terms = phi.terms(images)
        XCTAssertEqual(terms.map(\.shape), [[2, 1280 + 40], [2 * 4 * 4, 40]])
        let flat = FeatureExtractor(network: network, stages: [.group3])(images)  // [2, 40·16], channel-major
        // Row 1·16 + 5 is image 1, position 5; column c is channel c there.
        for c in [0, 17, 39] { XCTAssertEqual(terms[1].data[(16 + 5) * 40 + c], flat.data[640 + c * 16 + 5], accuracy: 1e-6) }
        // The per-image view averages the patches; separate bandwidths split the per-image term.
        XCTAssertEqual(phi(images).shape, [2, 1280 + 40 + 40])
        let separate = FeatureExtractor(network: network, selections: phi.selections, separateBandwidths: true)
        XCTAssertEqual(separate.terms(images).map(\.shape), [[2, 1280], [2, 40], [32, 40]])
        // `termCount` says how many terms come, whatever the images.
        XCTAssertEqual(phi.termCount, 2)
        XCTAssertEqual(separate.termCount, 3)
        XCTAssertEqual(FeatureExtractor(network: network, selections: [Selection(.group1, pooling: .patches)]).termCount, 1)
        XCTAssertEqual(FeatureExtractor(network: network, stages: [.group2, .group3]).termCount, 1)
        // One pass for both: the same values as the two calls.
        let both = phi.termsAndFeatures(images)
        XCTAssertEqual(both.terms.map(\.data), terms.map(\.data))
        XCTAssertEqual(both.features.data, phi(images).data)
    }

    typealias Selection = FeatureExtractor.Selection
}
