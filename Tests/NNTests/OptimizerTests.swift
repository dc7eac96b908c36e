import NN
import Tensor
import XCTest

final class OptimizerTests: XCTestCase {
    /// One step of each optimiser on a single scalar, compared with the update rule by hand.
    func testSingleStepsMatchTheirDefinitions() {
        let p = Parameter(Tensor(shape: [1], data: [2]))
        let g = Tensor(shape: [1], data: [0.5])
        let sgd = SGD([p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        sgd.step([g]); sgd.step([g])
        // v1 = 0.5 + 0.02 = 0.52, p1 = 2 − 0.052 = 1.948; v2 = 0.9·0.52 + 0.5 + 0.01948, p2 = p1 − 0.1·v2
        let v2: Float = 0.9 * 0.52 + 0.5 + 0.01 * 1.948
        XCTAssertEqual(p.value.data[0], 1.948 - 0.1 * v2, accuracy: 1e-6)

        let q = Parameter(Tensor(shape: [1], data: [2]))
        Adam([q], learningRate: 0.1).step([g])
        XCTAssertEqual(q.value.data[0], 2 - 0.1, accuracy: 1e-5)  // first Adam step moves by lr·sign(g)

        let w = Parameter(Tensor(shape: [1], data: [2]))
        Adam.adamW([w], learningRate: 0.1, weightDecay: 0.5).step([g])
        XCTAssertEqual(w.value.data[0], 2 - 0.1 * 0.5 * 2 - 0.1, accuracy: 1e-5)
        XCTAssertTrue(w.value.requiresGrad)
    }

    func testOptimisersMinimiseAQuadratic() {
        for make in [{ SGD($0, learningRate: 0.1, momentum: 0.5) as any Optimizer },
                     { Adam($0, learningRate: 0.1) }, { Adam.adamW($0, learningRate: 0.1, weightDecay: 0) }] {
            let p = Parameter(Tensor(shape: [3], data: [3, -2, 1]))
            let target = Tensor(shape: [3], data: [1, 1, 1])
            let opt = make([p])
            for _ in 0..<200 { opt.step(gradients(of: (p.value - target).squared().sum(), wrt: [p.value])) }
            for v in p.value.data { XCTAssertEqual(v, 1, accuracy: 1e-2) }
        }
    }

    func testStepLRAndClipping() {
        let schedule = StepLR(base: 1, stepSize: 10, gamma: 0.5)
        XCTAssertEqual(schedule.rate(epoch: 9), 1)
        XCTAssertEqual(schedule.rate(epoch: 10), 0.5)
        XCTAssertEqual(schedule.rate(epoch: 25), 0.25)
        let grads = [Tensor(shape: [2], data: [3, 0]), Tensor(shape: [1], data: [4])]
        let (clipped, norm) = clipGradientNorm(grads, maxNorm: 1)
        XCTAssertEqual(norm, 5)
        XCTAssertEqual(clipped[0].data[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(clipped[1].data[0], 0.8, accuracy: 1e-6)
        XCTAssertEqual(clipGradientNorm(grads, maxNorm: 10).gradients[1].data, [4])
    }

    func testStateRoundTripAndLoadErrors() throws {
        let model = Sequential([Linear(2, 3, seed: 1), BatchNorm2d(3)])
        let names = model.namedParameters.map(\.name)
        XCTAssertEqual(names, ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"])
        XCTAssertEqual(model.trainableParameters.count, 4)
        let other = Sequential([Linear(2, 3, seed: 2), BatchNorm2d(3)])
        try other.load(model.state)
        XCTAssertEqual(other.state["0.weight"]!.data, model.state["0.weight"]!.data)
        var broken = model.state
        broken["0.bias"] = nil
        broken["0.weight"] = .zeros([1])
        XCTAssertThrowsError(try other.load(broken, source: "ckpt.safetensors")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("ckpt.safetensors") && text.contains("0.bias") && text.contains("0.weight"), text)
        }
    }
}
