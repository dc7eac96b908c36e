import Foundation
import Grammar
import Render
import Scene
import XCTest
@testable import MetaSim
import TestSupport

/// The aerial experiment's grammars (experiments/grammars/aerial-*.yaml) on sampled and placed
/// scenes: cars lie on their own road, houses and trees stay clear of roads and houses, and the
/// segmentation labels cover the experiment's classes.
final class AerialTests: XCTestCase {
    static func path(_ relative: String) -> String { Repository.path(relative) }
    let scenes = 40

    func placedScenes(_ grammarFile: String, seed: UInt64) throws -> (Grammar, [SceneGraph], [[PlacedObject]]) {
        let g = try Grammar.load(path: Self.path(grammarFile))
        let renderer = try g.makeCompositor(assets: g.assetRegistry())
        let graphs = try g.sample(seed: seed, range: 0..<scenes)
        return (g, graphs, try graphs.map { try renderer.placedObjects($0) })
    }

    /// Every car is a child of a road and sits at its `offset` from that road's drawn centreline.
    /// Target: in a lane (4.5 px from the centre line, inside the 9 px half width) and heading
    /// along the road (within 8° of the centreline direction, either way).
    func checkCars(_ grammarFile: String, target: Bool) throws {
        let (_, graphs, placed) = try placedScenes(grammarFile, seed: 5)
        var cars = 0
        for (graph, objects) in zip(graphs, placed) {
            let byNode = Dictionary(objects.map { ($0.node, $0) }, uniquingKeysWith: { a, _ in a })
            for car in objects where car.className == "car" {
                cars += 1
                let parent = try XCTUnwrap(graph.nodes[car.node].parent)
                XCTAssertEqual(graph.nodes[parent].className, "road")
                let road = try XCTUnwrap(byNode[parent], "the car's road is drawn")
                guard case .number(let offset)? = graph.nodes[car.node].attributes["offset"] else { return XCTFail("car without offset") }
                let distance = road.distanceToCentreline(car.centre)
                XCTAssertEqual(distance, abs(offset), accuracy: 0.25, "scene car node \(car.node)")
                if target {
                    XCTAssertEqual(distance, 4.5, accuracy: 0.25)
                    XCTAssertLessThan(distance + car.size.y / 2, road.halfWidth)
                    // The centreline's direction near the car (nearest chord).
                    let chords = zip(road.centreline, road.centreline.dropFirst()).map { ($0, $1) }
                    let nearest = try XCTUnwrap(chords.min { segmentDistance(car.centre, $0.0, $0.1) < segmentDistance(car.centre, $1.0, $1.1) })
                    let d = nearest.1 - nearest.0
                    let roadDegrees = atan2(-d.y, d.x) * 180 / .pi
                    var diff = (car.rotationDegrees - roadDegrees).truncatingRemainder(dividingBy: 180)
                    if diff > 90 { diff -= 180 } else if diff < -90 { diff += 180 }
                    XCTAssertLessThan(abs(diff), 8, "car heading vs road")
                }
            }
        }
        XCTAssertGreaterThan(cars, scenes * 3)
    }

    func testPriorCarsLieAtTheirOffsetFromTheirRoad() throws { try checkCars("experiments/grammars/aerial-prior.yaml", target: false) }
    func testTargetCarsAreCentredInALaneAndAligned() throws { try checkCars("experiments/grammars/aerial-target.yaml", target: true) }

    /// Houses never overlap a road or another house; trees overlap neither.
    func testHousesAndTreesStayClearOfRoadsAndHouses() throws {
        for file in ["experiments/grammars/aerial-prior.yaml", "experiments/grammars/aerial-target.yaml"] {
            let (_, _, placed) = try placedScenes(file, seed: 9)
            var houses = 0, trees = 0
            for objects in placed {
                let roads = objects.filter { $0.className == "road" }
                let drawnHouses = objects.filter { $0.className == "house" }
                houses += drawnHouses.count
                for h in drawnHouses {
                    for r in roads { XCTAssertFalse(h.overlaps(r), "\(file): house node \(h.node) on road \(r.node)") }
                    for o in drawnHouses where o.node != h.node { XCTAssertFalse(h.overlaps(o), "\(file): houses \(h.node), \(o.node)") }
                }
                for t in objects where t.className == "tree" {
                    trees += 1
                    for o in roads + drawnHouses { XCTAssertFalse(t.overlaps(o), "\(file): tree \(t.node) on \(o.className) \(o.node)") }
                }
            }
            XCTAssertGreaterThan(houses, scenes, file)
            XCTAssertGreaterThan(trees, scenes, file)
        }
    }

    /// Target houses stand 2–4 px back from their road's edge (setback), facing it.
    func testTargetHousesStandAtTheirSetback() throws {
        let (_, graphs, placed) = try placedScenes("experiments/grammars/aerial-target.yaml", seed: 13)
        var checked = 0
        for (graph, objects) in zip(graphs, placed) {
            let byNode = Dictionary(objects.map { ($0.node, $0) }, uniquingKeysWith: { a, _ in a })
            for house in objects where house.className == "house" {
                let road = try XCTUnwrap(byNode[try XCTUnwrap(graph.nodes[house.node].parent)])
                let gap = road.distanceToCentreline(house.centre) - road.halfWidth - house.size.y / 2
                XCTAssertGreaterThan(gap, 1.5)
                XCTAssertLessThan(gap, 4.5)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, scenes)
    }

    /// The experiment file loads, and rendered target scenes give every task class some pixels.
    func testExperimentLoadsAndLabelsCoverItsClasses() throws {
        let e = try Experiment.load(path: Self.path("experiments/aerial.yaml"))
        XCTAssertEqual(e.taskNetwork.kind, .segmentation)
        let classes = try XCTUnwrap(e.taskNetwork.classes)
        XCTAssertEqual(classes, ["ground", "road", "car", "house", "tree"])
        guard case .rendered(let targetFile, _, _, _, _) = e.target else { return XCTFail("rendered target expected") }
        let g = try Grammar.load(path: targetFile)
        let renderer = try g.makeRenderer(assets: g.assetRegistry())
        let rendered = try renderer.render(try g.sample(seed: 3, range: 0..<8))
        let set = try TaskSet(rendered: rendered, kind: .segmentation, classes: classes, rendererClasses: renderer.classes, source: "target")
        var counts = [Int](repeating: 0, count: classes.count)
        for label in set.labels { counts[label] += 1 }
        for (c, n) in zip(classes, counts) { XCTAssertGreaterThan(n, 0, "no \(c) pixels") }
        // Ground dominates but roads are a large share.
        XCTAssertGreaterThan(counts[1], set.labels.count / 20)
    }
}

/// Distance from `p` to the segment `a`–`b`.
private func segmentDistance(_ p: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
    let ab = b - a
    let len2 = (ab * ab).sum()
    let h = len2 > 0 ? min(max(((p - a) * ab).sum() / len2, 0), 1) : 0
    let d = p - (a + h * ab)
    return (d * d).sum().squareRoot()
}
