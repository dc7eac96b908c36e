// swift-tools-version:6.0
// MetaSim: learn to generate synthetic labelled image datasets (Meta-Sim, Kar et al. 2019).
// Pipeline, one target each: Grammar -> Scene -> Render -> (Tensor, NN) features -> MetaSim
// objectives and trainer -> Datasets writers, with the `metasim` command on top.
import PackageDescription

/// Hot numeric modules get unchecked arithmetic and exclusivity in release builds only;
/// debug builds keep every check.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "MetaSim",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "MetaSim", targets: ["MetaSim"]),
        .executable(name: "metasim", targets: ["metasim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // SHA-256 of dataset files (manifests, `metasim verify`).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries from Debian's -dev packages (installed by scripts/setup.sh).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // Our JPEG shim over libjpeg: catches libjpeg's errors with setjmp inside C (see its header).
        .target(name: "CJPEGCodec", linkerSettings: [.linkedLibrary("jpeg")]),

        // Pipeline modules, lowest first. A module never imports one listed after it.
        .target(name: "Diagnostics", exclude: ["README.md"]),
        .target(name: "Scene", dependencies: ["Diagnostics"], exclude: ["README.md"]),
        .target(name: "Codecs", dependencies: ["Diagnostics", "CZlib", "CPNG", "CJPEGCodec"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "Assets", dependencies: ["Diagnostics", "Scene", "Codecs"], exclude: ["README.md"]),
        .target(name: "Grammar", dependencies: ["Scene", "Assets", .product(name: "Yams", package: "Yams")], exclude: ["README.md"]),
        .target(name: "Tensor", dependencies: ["Diagnostics", "CBLAS"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "NN", dependencies: ["Tensor"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "Render", dependencies: ["Scene", "Assets", "Codecs"], exclude: ["README.md", "BRIDGE.md"], swiftSettings: fast),
        .target(name: "Datasets", dependencies: ["Scene", "Codecs", "Render", .product(name: "Crypto", package: "swift-crypto")],
                exclude: ["README.md"]),
        .target(
            name: "MetaSim",
            dependencies: ["Diagnostics", "Scene", "Grammar", "Assets", "Codecs", "Tensor", "NN", "Render", "Datasets", "CBLAS",
                           .product(name: "Yams", package: "Yams")],
            exclude: ["README.md"],
            swiftSettings: fast),
        .target(name: "MetaSimBenchmarks", dependencies: ["MetaSim", "Grammar", "Scene", "Tensor", "NN", "Render", "CBLAS"], exclude: ["README.md"],
                swiftSettings: fast),
        .executableTarget(
            name: "metasim",
            dependencies: ["MetaSim", "MetaSimBenchmarks", "Diagnostics", "Grammar", "Scene", "Render", "Datasets",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "SceneTests", dependencies: ["Scene"]),
        .testTarget(name: "GrammarTests", dependencies: ["Grammar", "Scene", "Assets"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Tensor"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Scene", "Assets"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Render", "Scene", "Codecs"]),
        .testTarget(name: "MetaSimTests", dependencies: ["MetaSim"]),
        // Runs the built `metasim` binary; depends on it so `swift test` always builds it first.
        .testTarget(name: "CLITests", dependencies: ["metasim"]),
    ],
    swiftLanguageModes: [.v5]
)
