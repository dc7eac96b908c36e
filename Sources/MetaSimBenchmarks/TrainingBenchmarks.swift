import Assets
import Diagnostics
import Foundation
import Grammar
import MetaSim
import NN
import Render
import Scene
import Tensor

/// One distribution-matching step on the MNIST rotation setup: 50 generated vs a bank of 200
/// target images, 32×32, φ = EfficientNet-Lite0 up to group3. The whole step (forward,
/// backward through φ, the renderer's exact VJP and G_θ, no optimiser) is timed as it runs in
/// training, then each part alone: G_θ forward, render, φ forward, MMD, the backward pass
/// (which includes the VJP) and the VJP by itself. Medians of 5 rounds.
let trainingBenchmarks: [Benchmark] = [
    Benchmark(names: ["metasim.dm_step.seconds", "metasim.dm_step.transformer_seconds", "metasim.dm_step.render_seconds",
                      "metasim.dm_step.features_seconds", "metasim.dm_step.mmd_seconds", "metasim.dm_step.backward_seconds",
                      "metasim.dm_step.vjp_seconds"]) {
        guard let generatorPath = BundledData.repositoryFile("examples/grammars/mnist.yaml"),
              let targetPath = BundledData.repositoryFile("experiments/grammars/mnist-rot90.yaml") else {
            throw InputError(file: "examples/grammars/mnist.yaml", message: "run the benchmarks from the repository")
        }
        let grammar = try Grammar.load(path: generatorPath)
        let assets = grammar.assetRegistry()
        let renderer = try grammar.makeRenderer(assets: assets)
        let targetGrammar = try Grammar.load(path: targetPath)
        let targetAssets = targetGrammar.assetRegistry()
        let targets = try targetGrammar.makeRenderer(assets: targetAssets)
            .render(try targetGrammar.sample(seed: 3, range: 0..<200, assets: targetAssets))
        let phi = FeatureExtractor(network: try bundledFeatureNetwork(), stages: [.group3])
        let targetImages = Tensor(shape: [200, 1, 32, 32], data: targets.flatMap(\.image.pixels))
        let featureMMD = FeatureMMD(features: phi, targetImages: targetImages, scales: [0.25, 1, 4], unbiased: false, maxSamples: 4096)
        let mmd = featureMMD.terms[0]  // φ's one term: the bank of the 200 target images
        let encoder = SceneEncoder(grammar.schema)
        let transformer = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count,
                                                  hidden: [30, 18, 30], seed: 1)
        let differentiable = DifferentiableRenderer(renderer: renderer, encoder: encoder)
        let matching = DistributionMatching(transformer: transformer, renderer: differentiable, mmd: featureMMD)
        let parameters = transformer.trainableParameters
        let graphs = try grammar.sample(seed: 5, range: 0..<50, assets: assets)
        let batch = encoder.encode(graphs)

        let step = try medianSeconds(minSeconds: 0) { _ = try matching.step(graphs, parameters: parameters) }
        let transformerForward = medianSeconds(minSeconds: 0.02) { _ = transformer(batch) }
        let output = transformer(batch)
        var decoded = graphs
        encoder.decode(output.data, into: &decoded)
        let render = try medianSeconds(minSeconds: 0.02) { _ = try renderer.renderPixels(decoded) }
        let (images, _) = try differentiable(output, graphs: graphs)
        let featuresForward = medianSeconds(minSeconds: 0) { _ = withoutGradients { phi(images.detached) } }
        let f = phi(images)
        let mmdTime = medianSeconds(minSeconds: 0.02) { _ = mmd.evaluate(f.data, count: 50) }
        let seed = Tensor(shape: f.shape, data: mmd.evaluate(f.data, count: 50).gradient)
        let backward = medianSeconds(minSeconds: 0) {
            // A fresh forward graph each round (gradients consume nothing, but keep rounds alike).
            _ = gradients(of: f, seed: seed, wrt: parameters.map(\.value))
        }
        let imageGradients = (0..<50).map { _ in [Float](repeating: 0.01, count: 32 * 32) }
        let vjp = try medianSeconds(minSeconds: 0.02) { _ = try renderer.vjp(decoded, imageGradients: imageGradients) }
        return [
            BenchResult(name: "metasim.dm_step.seconds", value: step, unit: "s"),
            BenchResult(name: "metasim.dm_step.transformer_seconds", value: transformerForward, unit: "s"),
            BenchResult(name: "metasim.dm_step.render_seconds", value: render, unit: "s"),
            BenchResult(name: "metasim.dm_step.features_seconds", value: featuresForward, unit: "s"),
            BenchResult(name: "metasim.dm_step.mmd_seconds", value: mmdTime, unit: "s"),
            BenchResult(name: "metasim.dm_step.backward_seconds", value: backward, unit: "s"),
            BenchResult(name: "metasim.dm_step.vjp_seconds", value: vjp, unit: "s"),
        ]
    },
]
