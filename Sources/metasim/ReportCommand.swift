import ArgumentParser
import Foundation
import MetaSim

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run folder's report: one self-contained HTML page.",
        discussion: """
        RUN/report.html (or --out) shows stage 1's reconstruction error, MMD² and the task \
        reward over steps, the mutable attributes' means, their histograms per epoch (prior, \
        learned, and target when it was rendered from a grammar), the sample grids per epoch, \
        the results table (task metrics, KID) and the experiment's settings. Charts are inline \
        SVG and images are embedded, so the page needs no network and can be mailed as one \
        file. Works on a run that is still going or stopped early. `metasim train` writes it \
        at the end too.

        Example: metasim report demo-run && xdg-open demo-run/report.html
        """)

    @Argument(help: ArgumentHelp("The run folder (what `metasim train --out` wrote).", valueName: "run")) var folder: String
    @Option(help: "Where to write the page (default: RUN/report.html).") var out: String?

    func run() throws {
        let path = try RunReport(folder: folder).write(to: out)
        print("report: \(path)")
    }
}
