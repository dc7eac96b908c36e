import ArgumentParser
import Diagnostics
import Foundation
import Grammar
import MetaSim

struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Measure how strongly each feature option registers each mutable attribute.",
        discussion: """
        For an experiment whose target is rendered from a grammar: per seed, a bank of target \
        images, fresh target images, prior images, and for each mutable attribute target images \
        with that attribute redrawn from the prior. Prints, per feature option and attribute, \
        MMD²(redrawn, bank) / MMD²(fresh target, bank) as mean ± sd over the seeds (`all`: prior \
        images). Near 1: φ does not see the attribute; well above 1: it does. The experiment's \
        mmd settings apply. An option is a comma-separated stage list as in `features.stages` \
        (e.g. pooled,group3_mean or group5_patches); prefix `separate:` for one bandwidth per \
        stage (`features.separate_bandwidths`); `crop:CLASS:SIZE:STAGES[:ANCHOR[:EXTENT]]` measures \
        φ of object crops alone (`features.crops`; ANCHOR centroid, the default, or frame; EXTENT, \
        with frame, the metres a window spans in a 3D view). Without --features, the experiment's own.

        Example: metasim sensitivity --config experiments/aerial.yaml --images 48 --seeds 3 \
        --features pooled --features group5_patches
        """)

    @Option(help: "The experiment file (YAML or JSON); its target must be rendered from a grammar.") var config: String
    @Option(help: "Images per set.") var images = 48
    @Option(help: "Seeds (each draws its own sets).") var seeds = 3
    @Option(help: "A feature option to measure (repeatable).") var features: [String] = []
    @Flag(help: "Instead: check the experiment's matching gradient per attribute (backward pass vs finite differences).")
    var gradientCheck = false

    func validate() throws {
        if images < 2 || images > 10_000 { throw ValidationError("--images must be in 2…10000") }
        if seeds < 1 || seeds > 100 { throw ValidationError("--seeds must be in 1…100") }
    }

    func run() throws {
        let experiment = try Experiment.load(path: config)
        guard case let .rendered(targetPath, seed, _, _, _) = experiment.target else {
            throw InputError(file: config, path: "target", message: "sensitivity needs a target rendered from a grammar (target.render)")
        }
        let own = (experiment.features.separateBandwidths ? "separate:" : "") + experiment.features.stages.joined(separator: ",")
        let options = try (features.isEmpty ? [own] : features).map(Self.option)
        let builder = ExperimentBuilder(experiment)
        let prior = try builder.grammar()
        let target = try Grammar.load(path: targetPath)
        guard target.canvas == prior.canvas else {
            throw InputError(file: config, path: "target.render.grammar", message: "the target's canvas differs from the prior's")
        }
        let sensitivity = FeatureSensitivity(prior: prior, priorRenderer: try prior.makeRenderer(assets: prior.assetRegistry()),
                                             target: target, targetRenderer: try target.makeRenderer(assets: target.assetRegistry()),
                                             images: images)
        let sets = try (0..<seeds).map { try sensitivity.sets(seed: seed &+ UInt64($0) &* 7919) }
        if gradientCheck {
            let phi = try builder.featureNetwork()
            let features = MatchingFeatures(features: phi, crops: try builder.crops(phi: phi, canvas: prior.canvas))
            print("| seed | attribute | shift: backward pass | shift: finite differences | shift: linearised | contraction: backward pass | contraction: finite differences | contraction: linearised |")
            print("| --- | --- | --- | --- | --- | --- | --- | --- |")
            for (k, set) in sets.enumerated() {
                let mmd = FeatureMMD(features: features, targetImages: set.bank.images, targetGroundTruth: set.bank.groundTruth,
                                     scales: experiment.mmd.scales, unbiased: experiment.mmd.unbiased, maxSamples: experiment.mmd.maxSamples)
                let graphs = try prior.sample(seed: seed &+ UInt64(k) &* 7919 &+ 1, range: 0..<images, assets: prior.assetRegistry())
                for row in try DirectionalDerivatives.measure(mmd: mmd, grammar: prior, renderer: sensitivity.priorRenderer, graphs: graphs) {
                    print(String(format: "| %d | %@ | %.4g | %.4g | %.4g | %.4g | %.4g | %.4g |", k, row.attribute, row.analytic, row.numeric,
                                 row.linearised.shift, row.contraction.analytic, row.contraction.numeric, row.linearised.contraction))
                }
                try StandardOutput.flush()
            }
            return
        }
        let network = try builder.featureNetwork().network
        print("| features | " + (["all"] + prior.mutableAttributeNames).joined(separator: " | ") + " |")
        print("|" + String(repeating: " --- |", count: prior.mutableAttributeNames.count + 2))
        for (name, selections, separate, crops) in options {
            let phi = FeatureExtractor(network: network, selections: selections, separateBandwidths: separate)
            let features = crops.map { MatchingFeatures(features: nil, crops: ($0, phi)) } ?? MatchingFeatures(features: phi)
            let rows = FeatureSensitivity.rows(features: features, settings: experiment.mmd, sets: sets)
            print("| \(name) | " + rows.map { String(format: "%.2f ± %.2f", $0.mean, $0.standardDeviation) }.joined(separator: " | ") + " |")
            try StandardOutput.flush()
        }
    }

    /// Parses `[separate:]stage,stage,…` or `crop:CLASS[+CLASS…]:SIZE:stage,stage,…[:ANCHOR[:EXTENT]]`
    /// (φ of object crops only; ANCHOR `centroid` or `frame`, `features.crops.anchor`; EXTENT
    /// metres, `features.crops.extent`, with `frame` only); throws `ValidationError` for an unknown stage or a malformed crop.
    static func option(_ text: String) throws -> (String, [FeatureExtractor.Selection], Bool, ObjectCrops?) {
        let isSeparate = text.hasPrefix("separate:")
        var list = isSeparate ? String(text.dropFirst("separate:".count)) : text
        var crops: ObjectCrops?
        if text.hasPrefix("crop:") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            let anchor = parts.count >= 5 ? ObjectCrops.Anchor(rawValue: String(parts[4])) : .centroid
            let extent = parts.count == 6 ? Float(parts[5]) : nil
            guard (4...6).contains(parts.count), let anchor, let size = Int(parts[2]), size >= 8, !parts[1].isEmpty,
                  parts.count < 6 || (anchor == .frame && extent.map { $0.isFinite && $0 > 0 } == true) else {
                throw ValidationError("--features: expected crop:CLASS:SIZE:STAGES[:centroid|frame[:EXTENT]] (SIZE ≥ 8, EXTENT > 0 metres with frame), got '\(text)'")
            }
            crops = ObjectCrops(classes: parts[1].split(separator: "+").map(String.init), size: size, anchor: anchor, extent: extent)
            list = String(parts[3])
        }
        let selections = try list.split(separator: ",").map { name in
            guard let s = FeatureExtractor.Selection(name: String(name)) else {
                throw ValidationError("--features: unknown stage '\(name)'; expected names like \(FeatureExtractor.Selection.names.prefix(6).joined(separator: ", ")), …")
            }
            return s
        }
        if selections.isEmpty { throw ValidationError("--features: empty option '\(text)'") }
        return (text, selections, isSeparate, crops)
    }
}
