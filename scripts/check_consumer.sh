#!/usr/bin/env bash
# Checks that MetaSim works as a SwiftPM dependency, the way a user adds it: clones this
# repository's committed HEAD into a temporary folder, tags the clone 0.1.0, and makes a new
# package that depends on it by URL (`.package(url: "file://…", from: "0.1.0")`) with two
# executables whose sources are the library examples (Examples/RenderFromCode: a grammar built
# in code rendered to datasets; Examples/TrainOnFolder: an experiment built in code trained on a
# folder of images). Builds that package (SwiftPM refuses dependencies with unsafe flags, so
# this fails if one comes back) and runs both through scripts/check_examples.sh: a tiny
# training must move its square to the target. Exits non-zero on any failure.
# Usage: scripts/check_consumer.sh   (uncommitted changes are not part of the check)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bash "$repo/scripts/setup.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git clone --quiet "$repo" "$work/metasim"
git -C "$work/metasim" tag -f 0.1.0 >/dev/null

mkdir -p "$work/consumer/Sources/RenderFromCode" "$work/consumer/Sources/TrainOnFolder"
cp "$work/metasim/Examples/RenderFromCode/main.swift" "$work/consumer/Sources/RenderFromCode/"
cp "$work/metasim/Examples/TrainOnFolder/main.swift" "$work/consumer/Sources/TrainOnFolder/"
cat > "$work/consumer/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MetaSimConsumer",
    dependencies: [.package(url: "file://$work/metasim", from: "0.1.0")],
    targets: [
        .executableTarget(name: "RenderFromCode", dependencies: [.product(name: "MetaSim", package: "metasim")]),
        .executableTarget(name: "TrainOnFolder", dependencies: [.product(name: "MetaSim", package: "metasim")]),
    ],
    swiftLanguageModes: [.v5]
)
SWIFT

echo "check_consumer: building a package that depends on MetaSim 0.1.0 by URL"
(cd "$work/consumer" && swift build --product RenderFromCode && swift build --product TrainOnFolder)
EXAMPLES_BIN="$(cd "$work/consumer" && swift build --show-bin-path)" bash "$work/metasim/scripts/check_examples.sh"
echo "check_consumer: ok"
