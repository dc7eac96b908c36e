import Diagnostics
import Render
import Scene
import XCTest
@testable import MetaSim

/// `renderer.workers`: read and bounded from an experiment file, turned into a pool of that many
/// bridge processes, and readable alone (`metasim render` / `generate --renderer`).
extension ExperimentTests {
    func testWorkersAreReadAndBounded() throws {
        let three = try Experiment.load(path: try write("grammar: prior.yaml\ntarget: {images: target}\nrenderer: {command: [sh], workers: 3}\n"))
        XCTAssertEqual(three.externalRenderer?.workers, 3)
        XCTAssertEqual(try errors("grammar: prior.yaml\ntarget: {images: target}\nrenderer: {command: [sh], workers: 0}\n").map(\.path),
                       ["renderer.workers"])
        XCTAssertEqual(try errors("grammar: prior.yaml\ntarget: {images: target}\nrenderer: {command: [sh], workers: 257}\n").map(\.path),
                       ["renderer.workers"])
    }

    func testWorkersBuildAPoolOfThatManyProcesses() throws {
        let canvas = Canvas(width: 8, height: 8)
        let one = try ExternalRendererSettings(command: ["sh"]).makeRenderer(canvas: canvas, classes: ["a"])
        XCTAssertTrue(one is ProcessRenderer)
        let pool = try XCTUnwrap(try ExternalRendererSettings(command: ["sh"], step: 0.25, workers: 4)
            .makeRenderer(canvas: canvas, classes: ["a"]) as? ProcessRendererPool)
        XCTAssertEqual(pool.workers.count, 4)
        XCTAssertEqual(Set(pool.workers.map(\.outputDirectory)).count, 4, "each worker has its own folder for its request files")
        XCTAssertEqual(pool.finiteDifference.step, 0.25)
    }

    func testTheRendererSectionReadsAlone() throws {
        // Only `renderer:` is read: the file need not be a whole experiment.
        let path = try write("renderer: {command: [sh, -c, 'true'], timeout: 5, workers: 2}\nunrelated: 1\n")
        let settings = try ExternalRendererSettings.load(experimentFile: path)
        XCTAssertEqual(settings, ExternalRendererSettings(command: ["sh", "-c", "true"], timeout: 5, workers: 2))
        XCTAssertEqual(try ExternalRendererSettings.load(experimentFile: path, workers: 7).workers, 7)
        func paths(_ text: String, workers: Int? = nil) throws -> [String] {
            let file = try write(text)
            do { _ = try ExternalRendererSettings.load(experimentFile: file, workers: workers); return [] } catch let e as InputErrors {
                XCTAssertTrue(e.errors.allSatisfy { $0.file == file }, "\(e)")
                return e.errors.map(\.path)
            }
        }
        XCTAssertEqual(try paths("seed: 1\n"), ["renderer"])
        XCTAssertEqual(try paths("renderer: {command: [sh], workers: 2}\n", workers: 0), ["renderer.workers"])
        XCTAssertEqual(try paths("renderer: {command: [/nonexistent/engine]}\n"), ["renderer.command"])
        XCTAssertEqual(try paths("renderer: {command: [sh], wrokers: 2}\n"), ["renderer.wrokers"])
    }
}
