import Render
import Tensor
import XCTest
@testable import MetaSim

/// φ with a per-image term (channel means) and a per-pixel term (each pixel's channel vector),
/// standing in for `FeatureExtractor`'s `_mean` and `_patches` terms without network weights.
struct TwoTermFeatures: FeatureNetwork {
    func callAsFunction(_ images: Tensor) -> Tensor { images.mean(axes: [2, 3]) }
    func terms(_ images: Tensor) -> [Tensor] {
        let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        return [self(images), images.permuted([0, 2, 3, 1]).reshaped([n * h * w, c])]
    }
    var termCount: Int { 2 }
}

final class FeatureMMDTests: XCTestCase {
    let phi = TwoTermFeatures()

    /// `x` with one element moved by ±0.01.
    func nudged(_ x: Tensor, _ element: Int) -> (up: Tensor, down: Tensor) {
        var up = x.data, down = x.data
        up[element] += 1e-2
        down[element] -= 1e-2
        return (Tensor(shape: x.shape, data: up), Tensor(shape: x.shape, data: down))
    }

    func images(_ n: Int, seed: UInt64, shift: Float = 0) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor.uniform([n, 2, 3, 3], rng: &rng) + shift
    }

    /// The value is the sum of each term's MMD² against its own bank, thinned rows included.
    func testValueIsTheSumOfTheTermsMMD() {
        let target = images(6, seed: 1), generated = images(4, seed: 2, shift: 0.3)
        let mmd = FeatureMMD(features: phi, targetImages: target, scales: [0.5, 2], unbiased: false, maxSamples: 10)
        XCTAssertEqual(mmd.terms.map(\.targetCount), [6, 10])
        let bankRows = FeatureMMD.thinnedRows(54, 10)
        XCTAssertEqual(bankRows, [0, 5, 10, 16, 21, 27, 32, 37, 43, 48])
        let pixels = phi.terms(target)[1]
        let expectedBank = MMD(target: FeatureMMD.rows(pixels.data, bankRows, 2), count: 10, dimension: 2, scales: [0.5, 2])
        let genPixels = phi.terms(generated)[1]
        let genRows = FeatureMMD.thinnedRows(36, 10)
        let perImage = MMD(target: phi(target).data, count: 6, dimension: 2, scales: [0.5, 2]).evaluate(phi(generated).data, count: 4).value
        let perPixel = expectedBank.evaluate(FeatureMMD.rows(genPixels.data, genRows, 2), count: 10).value
        XCTAssertEqual(mmd.value(of: generated), perImage + perPixel, accuracy: 1e-9)
        XCTAssertGreaterThan(perPixel, 0)
    }

    /// The surrogate's gradient with respect to the images is MMD²'s (central differences).
    func testSurrogateGradientMatchesFiniteDifferences() {
        for unbiased in [false, true] {
            let target = images(6, seed: 3)
            let generated = images(4, seed: 4, shift: 0.2)
            let mmd = FeatureMMD(features: phi, targetImages: target, scales: [0.5, 2], unbiased: unbiased, maxSamples: 10)
            let x = generated.requiringGrad()
            let analytic = gradients(of: mmd.loss(of: x).surrogate, wrt: [x])[0]
            var nonZero = 0
            for element in stride(from: 0, to: generated.count, by: 1) {
                let (up, down) = nudged(generated, element)
                let numeric = (mmd.value(of: up) - mmd.value(of: down)) / 2e-2
                XCTAssertEqual(Double(analytic.data[element]), numeric, accuracy: 2e-3 + 2e-2 * abs(numeric),
                               "element \(element), unbiased \(unbiased)")
                if abs(numeric) > 1e-3 { nonZero += 1 }
            }
            XCTAssertGreaterThan(nonZero, generated.count / 2)
        }
    }

    /// With object crops as a term — or as two, when the crop network has a per-crop and a
    /// per-position term (`_patches` crop stages) — the gradient still matches central
    /// differences, and a batch without any object adds nothing for the crop terms.
    func testCropTermGradientMatchesFiniteDifferences() {
        let box = { (x: Int, y: Int) -> GroundTruth in
            var mask = [UInt16](repeating: 0, count: 9)
            mask[y * 3 + x] = 1
            return GroundTruth(width: 3, height: 3, objects: [ObjectAnnotation(node: 1, className: "car", instanceId: 1, bbox: nil,
                                                                               visiblePixels: 1, visibleFraction: 1, outsideCanvas: false)],
                               instanceMask: mask, semanticMask: [])
        }
        let cropNetworks: [(network: any FeatureNetwork, dimensions: [Int])] = [
            (FeatureFunction { $0.reshaped([$0.shape[0], -1]) }, [2, 2, 8]),
            (TwoTermFeatures(), [2, 2, 2, 2]),
        ]
        for (network, dimensions) in cropNetworks {
            checkCropTerms(MatchingFeatures(features: phi, crops: (ObjectCrops(classes: ["car"], size: 2), network)), box: box,
                           dimensions: dimensions)
        }
    }

    func checkCropTerms(_ features: MatchingFeatures, box: (Int, Int) -> GroundTruth, dimensions: [Int],
                        file: StaticString = #filePath, line: UInt = #line) {
        let target = images(6, seed: 5)
        let mmd = FeatureMMD(features: features, targetImages: target, targetGroundTruth: (0..<6).map { box($0 % 2, $0 % 3) },
                             scales: [0.5, 2], unbiased: false, maxSamples: 10)
        XCTAssertEqual(mmd.terms.map(\.dimension), dimensions, file: file, line: line)
        let generated = images(4, seed: 6, shift: 0.2)
        let truth = (0..<4).map { box(2 - $0 % 2, $0 % 2) }
        let x = generated.requiringGrad()
        let analytic = gradients(of: mmd.loss(of: x, groundTruth: truth).surrogate, wrt: [x])[0]
        for element in 0..<generated.count {
            let (up, down) = nudged(generated, element)
            let numeric = (mmd.value(of: up, groundTruth: truth) - mmd.value(of: down, groundTruth: truth)) / 2e-2
            XCTAssertEqual(Double(analytic.data[element]), numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "element \(element)",
                           file: file, line: line)
        }
        let none = GroundTruth(width: 3, height: 3, objects: [], instanceMask: [], semanticMask: [])
        let wholeImagesOnly = FeatureMMD(features: phi, targetImages: target, scales: [0.5, 2], unbiased: false, maxSamples: 10)
        XCTAssertEqual(mmd.value(of: generated, groundTruth: Array(repeating: none, count: 4)),
                       wholeImagesOnly.value(of: generated), accuracy: 1e-9, file: file, line: line)
    }
}
