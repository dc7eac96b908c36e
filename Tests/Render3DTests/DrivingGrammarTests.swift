import Grammar
import Render
import Render3D
import Scene
import TestSupport
import XCTest

final class DrivingGrammarTests: XCTestCase {
    /// Both driving grammars load, ask for the 3D renderer, and render with ground truth: every
    /// sampled car, building and tree is annotated with a 3D box, the road without one.
    func testDrivingGrammarsRender() throws {
        for name in ["driving-prior", "driving-target"] {
            let grammar = try Grammar.load(path: Repository.path("experiments/grammars/\(name).yaml"))
            XCTAssertEqual(grammar.settings["renderer"], .string("3d"), name)
            XCTAssertEqual(grammar.canvas, Canvas(width: 256, height: 128, channels: 3))
            let renderer = try Renderer3D(canvas: grammar.canvas, classes: grammar.schema.classes)
            let graphs = try grammar.sample(seed: 3, range: 0..<8)
            let images = try renderer.render(graphs)
            for (graph, image) in zip(graphs, images) {
                let solids = graph.nodes.filter { ["car", "building", "tree"].contains($0.attributes["model"].flatMap { if case .string(let s) = $0 { return s } else { return nil } } ?? "") }
                XCTAssertEqual(image.groundTruth.objects.filter { $0.box3D != nil }.count, solids.count, name)
                XCTAssertEqual(image.groundTruth.objects.filter { $0.className == "road" }.count, 1, name)
                XCTAssertTrue(image.image.pixels.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1.01 }, name)
            }
        }
    }

    /// `renderer:` accepts 2d and 3d only.
    func testRendererSettingIsChecked() throws {
        let text = "canvas: {width: 8, height: 8}\nrenderer: 4d\nroot: A\nrules:\n  A: {attributes: {x: 1}}\n"
        XCTAssertThrowsError(try Grammar.parse(text: text, file: "g.yaml")) { error in
            XCTAssertTrue("\(error)".contains("renderer"), "\(error)")
        }
    }
}
