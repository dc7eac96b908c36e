// swift-tools-version:6.0
// MetaSim: learn to generate synthetic labelled image datasets (Meta-Sim, Kar et al. 2019).
// Pipeline, one target each: Grammar -> Scene -> Render -> (Tensor, NN) features -> MetaSim
// objectives and trainer -> Datasets writers, with the `metasim` command on top.
import PackageDescription

let package = Package(
    name: "MetaSim",
    platforms: [.macOS(.v13)],
    products: [
        // Every module a library user may import: the trainer and each pipeline stage.
        .library(name: "MetaSim", targets: ["MetaSim", "Diagnostics", "Parallel", "Scene", "Codecs", "Assets", "Grammar",
                                            "Tensor", "NN", "Render", "Render3D", "Datasets"]),
        .executable(name: "metasim", targets: ["metasim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // Test-only: property-based tests of Grammar's distributions and sampling (GrammarTests).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C libraries from Debian's -dev packages (installed by scripts/setup.sh).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Our JPEG shim over libjpeg: catches libjpeg's errors with setjmp inside C (see its header).
        .target(name: "CJPEGCodec", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "CPNGRows", linkerSettings: [.linkedLibrary("png16")]),
        // Float-to-integer truncation without Swift's checks, for the renderer's hot loops.
        .target(name: "CUncheckedMath"),
        // The mask-sprite row loops with AVX2 (dispatched at run time; no compiler flags).
        .target(name: "CMaskSprite"),
        // An id's count and box in an instance mask with SSE2 (ground truth of few-object images).
        .target(name: "CMaskMeasure"),
        // A noise background painted over an RGB canvas with AVX2 (dispatched at run time).
        .target(name: "CBackgroundPaint"),

        // Pipeline modules, lowest first. A module never imports one listed after it.
        .target(name: "Diagnostics", exclude: ["README.md"]),
        .target(name: "Parallel", exclude: ["README.md"]),
        .target(name: "Scene", dependencies: ["Diagnostics"], exclude: ["README.md"]),
        .target(name: "Codecs", dependencies: ["Diagnostics", "CZlib", "CPNG", "CPNGRows", "CJPEGCodec"], exclude: ["README.md"]),
        .target(name: "Assets", dependencies: ["Diagnostics", "Scene", "Codecs"], exclude: ["README.md"]),
        .target(name: "Grammar", dependencies: ["Scene", "Assets", "Parallel", .product(name: "Yams", package: "Yams")], exclude: ["README.md"]),
        .target(name: "Tensor", dependencies: ["Diagnostics", "Parallel", "CBLAS"], exclude: ["README.md"]),
        .target(name: "NN", dependencies: ["Tensor"], exclude: ["README.md"]),
        .target(name: "Render", dependencies: ["Scene", "Assets", "Codecs", "Parallel", "CUncheckedMath", "CMaskSprite", "CMaskMeasure", "CBackgroundPaint"],
                exclude: ["README.md", "BRIDGE.md"]),
        .target(name: "Render3D", dependencies: ["Diagnostics", "Scene", "Codecs", "Render", "Parallel"], exclude: ["README.md"]),
        .target(name: "Datasets", dependencies: ["Scene", "Codecs", "Render", "Parallel", "CCrypto"], exclude: ["README.md"]),
        .target(
            name: "MetaSim",
            dependencies: ["Diagnostics", "Scene", "Grammar", "Assets", "Codecs", "Tensor", "NN", "Render", "Render3D", "Datasets", "CBLAS",
                           .product(name: "Yams", package: "Yams")],
            exclude: ["README.md"]),
        .target(name: "MetaSimBenchmarks", dependencies: ["MetaSim", "Grammar", "Scene", "Tensor", "NN", "Render", "Render3D", "CBLAS"], exclude: ["README.md"]),
        .executableTarget(
            name: "metasim",
            dependencies: ["MetaSim", "MetaSimBenchmarks", "Diagnostics", "Parallel", "Assets", "Grammar", "Scene", "Render", "Datasets", "Tensor",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Examples (swift run RenderFromCode / TrainOnFolder; scripts/check_examples.sh runs both).
        .executableTarget(name: "RenderFromCode", dependencies: ["MetaSim", "Grammar", "Datasets"], path: "Examples/RenderFromCode"),
        .executableTarget(name: "TrainOnFolder", dependencies: ["MetaSim", "Grammar"], path: "Examples/TrainOnFolder"),

        // Fuzzing (Fuzz/README.md): one pure entry function per input format, called by the
        // libFuzzer binaries below and by FuzzReplayTests.
        .target(name: "FuzzEntries", dependencies: ["Grammar", "Codecs", "NN", "Render", "Scene", "Diagnostics"], path: "Fuzz/Entries"),

        // Shared by the test targets: where the repository checkout is.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SceneTests", dependencies: ["Scene"]),
        .testTarget(name: "GrammarTests", dependencies: ["TestSupport", "Grammar", "Scene", "Assets",
                                                        .product(name: "PropertyBased", package: "swift-property-based")],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["TestSupport", "NN", "Tensor"]),
        .testTarget(name: "RenderTests", dependencies: ["TestSupport", "Render", "Scene", "Assets"]),
        .testTarget(name: "Render3DTests", dependencies: ["TestSupport", "Render3D", "Render", "Scene", "Grammar"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Render", "Scene", "Codecs"]),
        .testTarget(name: "MetaSimTests", dependencies: ["TestSupport", "MetaSim", "Render3D"], exclude: ["Fixtures"]),
        // Runs the built `metasim` binary; depends on it so `swift test` always builds it first.
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "metasim"]),
        .testTarget(name: "FuzzReplayTests", dependencies: ["TestSupport", "FuzzEntries", "Render", "NN", "Codecs", "Scene"]),
    ],
    swiftLanguageModes: [.v5]
)

// The libFuzzer binaries (no `main`: libFuzzer supplies it) exist only when scripts/fuzz.sh sets
// METASIM_FUZZ=1, so plain `swift build` / `swift test` never try to link them.
if Context.environment["METASIM_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzDriver", dependencies: ["FuzzEntries"], path: "Fuzz/Driver"))
    for name in ["grammar", "png", "jpeg", "idx", "safetensors", "bridge-reply"] {
        package.targets.append(.executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzDriver"], path: "Fuzz/Targets/\(name)"))
    }
}
