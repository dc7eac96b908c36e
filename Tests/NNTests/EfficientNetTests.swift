import Foundation
import NN
import Tensor
import XCTest
import TestSupport

/// The repository's data folder (weights and reference outputs are committed there).
let repositoryData = URL(fileURLWithPath: Repository.path("data"))
let effnetWeights = repositoryData.appendingPathComponent("efficientnet-lite0/efficientnet-lite0.safetensors").path

final class EfficientNetTests: XCTestCase {
    static let model = Result { try EfficientNetLite0(weightsAt: effnetWeights) }

    struct StageReference: Decodable {
        var shape: [Int]
        var channel_means_first8: [Float]
        var mean: Float
        var abs_max: Float
    }

    /// x[c,h,w] = sin(0.05·h·(c+1)) · cos(0.03·w + 0.5·c), the reference input.
    func referenceInput(size: Int) -> Tensor {
        var data: [Float] = []
        for c in 0..<3 { for h in 0..<size { for w in 0..<size {
            data.append(Float(sin(0.05 * Double(h) * Double(c + 1)) * cos(0.03 * Double(w) + 0.5 * Double(c))))
        } } }
        return Tensor(shape: [1, 3, size, size], data: data)
    }

    func check(inputKey: String, size: Int) throws {
        let model = try Self.model.get()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryData
            .appendingPathComponent("efficientnet-lite0/reference-outputs.json"))) as! [String: Any]
        let reference = json[inputKey] as! [String: Any]
        let out = model.features(normalized: referenceInput(size: size), stages: Set(EfficientNetLite0.Stage.allCases))
        for stage in EfficientNetLite0.Stage.allCases where stage != .pooled && stage != .logits {
            let ref = try JSONDecoder().decode(StageReference.self,
                                               from: JSONSerialization.data(withJSONObject: reference[stage.rawValue]!))
            let t = out[stage]!
            XCTAssertEqual(Array(t.shape.dropFirst()), ref.shape, "\(stage)")
            let scale = max(ref.abs_max, 1e-3)
            func near(_ a: Float, _ b: Float, _ what: String) {
                XCTAssertLessThanOrEqual(abs(a - b), 1e-3 * max(abs(b), 0.1 * scale), "\(inputKey) \(stage) \(what): \(a) vs \(b)")
            }
            near(t.mean().scalar, ref.mean, "mean")
            near(t.abs().max(axis: 0).data.max()!, ref.abs_max, "abs max")
            let channelMeans = t.mean(axes: [0, 2, 3])
            for k in 0..<8 { near(channelMeans.data[k], ref.channel_means_first8[k], "channel \(k) mean") }
        }
        let logits = out[.logits]!
        let first8 = reference["logits_first8"] as! [Double]
        for k in 0..<8 {
            XCTAssertEqual(logits.data[k], Float(first8[k]), accuracy: 1e-3 * max(1, Float(abs(first8[k]))), "logit \(k)")
        }
        let top5 = (reference["logits_top5"] as! [[Double]]).map { Int($0[0]) }
        let ours = logits.data.enumerated().sorted { $0.element > $1.element }.prefix(5).map(\.offset)
        XCTAssertEqual(ours, top5)
        XCTAssertEqual(out[.pooled]!.shape, [1, 1280])
    }

    func testMatchesReferenceOn32px() throws { try check(inputKey: "input_32", size: 32) }
    func testMatchesReferenceOn224px() throws { try check(inputKey: "input_224", size: 224) }

    func testGreyPixelsEqualRepeatedRGB() throws {
        let model = try Self.model.get()
        var rng = SplitMix64(seed: 3)
        let grey = Tensor.uniform([2, 1, 9, 7], lo: 0, hi: 255, rng: &rng)
        let rgb = Tensor.concat([grey, grey, grey], axis: 1)
        let a = model.features(pixels: grey, stages: [.group2])[.group2]!
        let b = model.features(normalized: (rgb - 127) / 128, stages: [.group2])[.group2]!
        XCTAssertEqual(a.shape, b.shape)
        for (x, y) in zip(a.data, b.data) { XCTAssertEqual(x, y, accuracy: 1e-3 * max(1, abs(y))) }
    }

    func testGradientToPixelsMatchesFiniteDifferences() throws {
        let model = try Self.model.get()
        var rng = SplitMix64(seed: 4)
        let pixels = Tensor.uniform([2, 1, 6, 6], lo: 0, hi: 255, rng: &rng)
        // step 0.05 grey level: small enough to cross few ReLU6 kinks, large enough for Float32
        let result = checkGradients([pixels], step: 0.05, rtol: 5e-2, atol: 1e-3, maxElements: 24) { xs in
            model.features(pixels: xs[0], stages: [.group3])[.group3]!
        }
        XCTAssertTrue(result.passed, "\(result)")
    }

    func testMissingWeightsFileThrows() {
        XCTAssertThrowsError(try EfficientNetLite0(weightsAt: "/nonexistent/effnet.safetensors"))
    }
}
