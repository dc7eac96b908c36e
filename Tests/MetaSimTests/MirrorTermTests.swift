import XCTest
@testable import MetaSim
import Tensor

final class MirrorTermTests: XCTestCase {
    /// φ here: each image's column sums, so φ(mirror x) is φ(x) reversed.
    private let columnSums = FeatureFunction { $0.sum(axes: [1, 2]) }

    /// The mirror term is φ(x) − φ(mirror x): 0 for a left–right symmetric image, negated for
    /// the mirror image; φ's own terms come first, unchanged.
    func testTheTermIsZeroForSymmetricImagesAndTurnsSignUnderMirroring() {
        let network = MirrorTerm(columnSums)
        XCTAssertEqual(network.termCount, 2)
        let symmetric = Tensor(shape: [1, 1, 2, 4], data: [1, 2, 2, 1, 0, 3, 3, 0])
        XCTAssertEqual(network.terms(symmetric)[1].data, [0, 0, 0, 0])
        let image = Tensor(shape: [1, 1, 2, 4], data: [1, 0, 0, 0, 2, 0, 5, 0])
        let terms = network.terms(image)
        XCTAssertEqual(terms[0].data, [3, 0, 5, 0])
        XCTAssertEqual(terms[1].data, [3, -5, 5, -3])
        XCTAssertEqual(network.terms(image.reversed(axis: 3))[1].data, [-3, 5, -5, 3])
        XCTAssertEqual(network(image).data, columnSums(image).data)
    }

    /// The terms take one pass of φ over the images (its terms and per-image features together,
    /// `termsAndFeatures`) and one over their mirrors.
    func testTheTermsTakeTwoPassesOfTheBase() {
        let base = CountingFeatures()
        let image = Tensor(shape: [1, 1, 2, 4], data: [1, 0, 0, 0, 2, 0, 5, 0])
        let terms = MirrorTerm(base).terms(image)
        XCTAssertEqual(base.passes, 2)
        XCTAssertEqual(terms.map(\.data), [[3, 0, 5, 0], [3, -5, 5, -3]])
    }
}

/// Column sums, counting passes: `termsAndFeatures` is one pass, as a network that shares its
/// feature maps does it.
private final class CountingFeatures: FeatureNetwork {
    var passes = 0

    func callAsFunction(_ images: Tensor) -> Tensor {
        passes += 1
        return images.sum(axes: [1, 2])
    }

    func termsAndFeatures(_ images: Tensor) -> (terms: [Tensor], features: Tensor) {
        let features = self(images)
        return ([features], features)
    }
}
