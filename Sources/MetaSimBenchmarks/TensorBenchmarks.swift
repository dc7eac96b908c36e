import CBLAS
import Foundation
import MetaSim
import NN
import Tensor

/// Tensor-engine and feature-network figures (release builds only give meaningful numbers).
/// Benchmarks/torch_reference.py measures the same with PyTorch CPU. `blas_gflops` is one bare
/// `cblas_sgemm` call, on one thread once the engine has set OpenBLAS so (`BLASThreads`); the
/// engine's `matmul` splits the product over the `Parallel` pool.
let tensorBenchmarks: [Benchmark] = [
    Benchmark(names: ["tensor.sgemm1024.engine_gflops", "tensor.sgemm1024.blas_gflops"]) {
        let n = 1024
        var rng = SplitMix64(seed: 1)
        let a = Tensor.uniform([n, n], lo: -1, hi: 1, rng: &rng), b = Tensor.uniform([n, n], lo: -1, hi: 1, rng: &rng)
        let flops = 2 * Double(n * n * n)
        let engine = medianSeconds(repeats: 7, minSeconds: 0.2) { _ = a.matmul(b) }
        var c = [Float](repeating: 0, count: n * n)
        let blas = medianSeconds(repeats: 7, minSeconds: 0.2) {
            a.data.withUnsafeBufferPointer { ap in b.data.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                                ap.baseAddress, Int32(n), bp.baseAddress, Int32(n), 0, cp.baseAddress, Int32(n))
                }
            } }
        }
        return [BenchResult(name: "tensor.sgemm1024.engine_gflops", value: flops / engine / 1e9, unit: "GFLOP/s"),
                BenchResult(name: "tensor.sgemm1024.blas_gflops", value: flops / blas / 1e9, unit: "GFLOP/s")]
    },
    Benchmark(names: ["tensor.conv3x3.fwdbwd_gflops"]) {
        // batch 64, 32 → 32 channels, 32×32, 3×3, padding 1: forward + input and weight gradients
        var rng = SplitMix64(seed: 2)
        let x = Tensor.uniform([64, 32, 32, 32], lo: -1, hi: 1, rng: &rng).requiringGrad()
        let w = Tensor.uniform([32, 32, 3, 3], lo: -0.1, hi: 0.1, rng: &rng).requiringGrad()
        let seed = Tensor.uniform([64, 32, 32, 32], lo: -1, hi: 1, rng: &rng)
        let forwardFlops = 2.0 * 64 * 32 * 32 * 9 * 32 * 32
        let seconds = medianSeconds(repeats: 5, minSeconds: 0.3) {
            let y = x.conv2d(weight: w, padding: .symmetric(1))
            _ = gradients(of: y, seed: seed, wrt: [x, w])
        }
        return [BenchResult(name: "tensor.conv3x3.fwdbwd_gflops", value: 3 * forwardFlops / seconds / 1e9, unit: "GFLOP/s")]
    },
    Benchmark(names: ["nn.effnet_group3_32px.images_per_s"]) {
        let model = try bundledFeatureNetwork()
        var rng = SplitMix64(seed: 3)
        let pixels = Tensor.uniform([200, 1, 32, 32], lo: 0, hi: 255, rng: &rng).requiringGrad()
        let seconds = medianSeconds(repeats: 5, minSeconds: 0.3) {
            let features = model.features(pixels: pixels, stages: [.group3])[.group3]!
            _ = gradients(of: features.sum(), wrt: [pixels])
        }
        return [BenchResult(name: "nn.effnet_group3_32px.images_per_s", value: 200 / seconds, unit: "images/s")]
    },
]
