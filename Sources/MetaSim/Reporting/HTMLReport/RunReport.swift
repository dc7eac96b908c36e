import Codecs
import Diagnostics
import Foundation

/// A run folder as one self-contained HTML page (`RUN/report.html`, what `metasim report RUN`
/// and the end of `metasim train` write): charts of stage 1's reconstruction error, MMD² and
/// the task reward over steps and the mutable attributes' means, histograms of each mutable
/// attribute per epoch (prior, learned, target when known), the sample grids per epoch, the
/// results table (task metrics, KID, attribute means) and the experiment's settings.
///
/// Charts are inline SVG and images are PNG `data:` URIs: the page loads nothing from files or
/// the network. Works on a run that stopped early (parts not yet written are said to be
/// missing); a torn last line of `metrics.jsonl` is skipped.
public struct RunReport {
    /// The run folder read.
    public let folder: String
    /// The page.
    public let html: String

    /// Reads the run in `folder`. Throws `InputError` when it is not a run folder (no
    /// `metrics.jsonl`).
    public init(folder: String) throws {
        self.folder = folder
        let run = try RunData(folder: folder)
        html = RunReport.page(run)
    }

    /// Writes the page to `path` (default `FOLDER/report.html`), atomically; returns the path.
    @discardableResult
    public func write(to path: String? = nil) throws -> String {
        let target = path ?? (folder as NSString).appendingPathComponent("report.html")
        try AtomicFile.write(Data(html.utf8), to: target)
        return target
    }

    static let style = """
    body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
    h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
    h3{font-size:14px;margin:12px 0 4px}
    table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
    td.num,th.num{text-align:right}.note{color:#777;font-size:13px}
    svg .title{font-size:13px;font-weight:600}svg .tick{font-size:10px;fill:#555}svg .axis{font-size:11px;fill:#333}
    svg .legend{font-size:11px}svg .frame{fill:none;stroke:#999}svg .grid{stroke:#eee}svg .marker{stroke:#bbb;stroke-dasharray:2 3}
    .charts,.grids,.hists{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
    figure{margin:0}figcaption{font-size:12px;color:#555}
    img{image-rendering:pixelated;border:1px solid #ccc;max-width:320px;width:320px}
    """

    static let colors = ["prior": "#888888", "learned": "#1f6fd1", "target": "#e07b00"]
    static let palette = ["#1f6fd1", "#e07b00", "#2a9d3f", "#c2185b", "#6a4fb3", "#00838f"]

    static func page(_ run: RunData) -> String {
        var body = "<h1>MetaSim run: \(HTML.escape(run.name))</h1>"
        body += "<p class=\"note\">\(HTML.escape(run.folder)) · \(run.complete ? "complete" : "not complete (stopped or still running)") · \(run.metrics.count) metrics records</p>"
        body += "<h2>Results</h2>" + results(run)
        body += "<h2>Training curves</h2><div class=\"charts\">" + curves(run) + "</div>"
        body += "<h2>Mutable attributes per epoch</h2>" + histograms(run)
        body += "<h2>Sample grids</h2>" + grids(run)
        body += "<h2>Experiment settings</h2>" + settings(run)
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>MetaSim run \(HTML.escape(run.name))</title><style>\(style)</style></head><body>\(body)</body></html>\n"
    }

    static func results(_ run: RunData) -> String {
        guard let r = run.results else { return "<p class=\"note\">no results.json yet (the run has not finished)</p>" }
        func number(_ key: String) -> Double? { (r[key] as? NSNumber)?.doubleValue }
        func plain(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "–" }
        var rows: [[String]] = []
        func score(_ key: String) -> String {
            scoreText(number(key), runs: (r[key + "_runs"] as? [NSNumber])?.map(\.doubleValue) ?? [])
        }
        let metrics = Set(r.keys.filter { ($0.hasPrefix("prior_") || $0.hasPrefix("metasim_")) && !$0.hasSuffix("_runs") }
            .map { $0.replacingOccurrences(of: "prior_", with: "").replacingOccurrences(of: "metasim_", with: "") })
            .subtracting(["attribute_means", "attribute_quantiles", "kid"])
        let oracle = r["oracle_source"] as? String
        for m in metrics.sorted() {
            rows.append([m.replacingOccurrences(of: "_", with: " "), score("prior_" + m), score("metasim_" + m),
                         oracle == nil ? "" : score("oracle_" + m)])
        }
        if number("prior_kid") != nil || number("metasim_kid") != nil {
            rows.append(["KID to target (\(Int(number("kid_images") ?? 0)) images)", plain(number("prior_kid"), "%.4f"),
                         plain(number("metasim_kid"), "%.4f"), ""])
        }
        let prior = r["prior_attribute_means"] as? [String: Any] ?? [:]
        let learned = r["learned_attribute_means"] as? [String: Any] ?? [:]
        let target = r["target_attribute_means"] as? [String: Any] ?? [:]
        func mean(_ d: [String: Any], _ k: String) -> String { plain((d[k] as? NSNumber)?.doubleValue, "%.2f") }
        func spread(_ set: String, _ k: String) -> String {
            let q = ((r[set + "_attribute_quantiles"] as? [String: Any])?[k] as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue }
            guard let q, q.count == attributeQuantileLevels.count else { return "–" }
            return [q[0], q[2], q[4]].map { String(format: "%.2f", $0) }.joined(separator: " / ")
        }
        for name in learned.keys.sorted() {
            rows.append(["mean \(name)", mean(prior, name), mean(learned, name), mean(target, name)])
            rows.append(["\(name) 5 / 50 / 95 %", spread("prior", name), spread("learned", name), spread("target", name)])
        }
        var out = HTML.table(header: ["", "prior grammar", "Meta-Sim", oracle == nil ? "target" : "target / oracle"], rows: rows)
        if let oracle {
            out += "<p class=\"note\">" + HTML.escape("oracle: the same task network trained on "
                + RunResults.describeOracleData(source: oracle, images: Int(number("oracle_train_images") ?? 0))
                + ": what perfect matching would give") + "</p>"
        }
        if number("prior_kid") != nil {
            out += "<p class=\"note\">KID: unbiased MMD² with the kernel (xᵀy/d + 1)³ in the run's feature space (φ); lower is closer to the target. Its scale follows φ's (flattened EfficientNet stages give large values): compare prior and Meta-Sim within a run.</p>"
        }
        let tested = Int(number("test_images") ?? 0)
        let note = tested > 0
            ? String(format: "wall time %.0f s; task networks trained on %d generated images, tested on %d target images",
                     number("wall_seconds") ?? 0, Int(number("train_images") ?? 0), tested)
            : String(format: "wall time %.0f s; no labelled target test set, so no task network was trained", number("wall_seconds") ?? 0)
        out += "<p class=\"note\">" + HTML.escape(note) + "</p>"
        return out
    }

    static func curves(_ run: RunData) -> String {
        let stage1 = run.records(stage: "reconstruction")
        let matching = run.records(stage: "matching")
        func series(_ rows: [[String: Any]], x: String, y: String, name: String, color: String) -> ChartSeries {
            ChartSeries(name: name, color: color, points: rows.compactMap { row in
                guard let a = (row[x] as? NSNumber)?.doubleValue, let b = (row[y] as? NSNumber)?.doubleValue else { return nil }
                return (a, b)
            })
        }
        // Stage 1 may run twice (re-centred after the phase search): number its steps on.
        var stage1Rows: [[String: Any]] = []
        for (i, var row) in stage1.filter({ $0["attribute_mse"] != nil }).enumerated() { row["n"] = i; stage1Rows.append(row) }
        var epochStarts: [Double] = []
        var lastEpoch: Int?
        for row in matching {
            let e = (row["epoch"] as? NSNumber)?.intValue
            if e != lastEpoch, let s = (row["step"] as? NSNumber)?.doubleValue, lastEpoch != nil { epochStarts.append(s - 0.5) }
            lastEpoch = e
        }
        var charts: [LineChart] = [
            LineChart(title: "Stage 1: reconstruction", xLabel: "stage-1 step", yLabel: "loss",
                      series: [series(stage1Rows, x: "n", y: "attribute_mse", name: "attribute MSE", color: palette[0]),
                               series(stage1Rows, x: "n", y: "class_ce", name: "class CE", color: palette[1])], logY: true),
            LineChart(title: "Stage 2: MMD² to the target", xLabel: "matching step", yLabel: "MMD²",
                      series: [series(matching, x: "step", y: "mmd", name: "MMD²", color: palette[0])], markers: epochStarts),
        ]
        if matching.contains(where: { $0["task_reward"] != nil }) {
            charts.append(LineChart(title: "Stage 3: task reward", xLabel: "matching step", yLabel: "reward",
                                    series: [series(matching, x: "step", y: "task_reward", name: "reward", color: palette[2])],
                                    markers: epochStarts))
        }
        let targetMeans = run.results?["target_attribute_means"] as? [String: Any] ?? [:]
        let names = Set(matching.flatMap { ($0["attributes"] as? [String: Any] ?? [:]).keys }).sorted()
        for name in names {
            let points: [(x: Double, y: Double)] = matching.compactMap { row in
                guard let s = (row["step"] as? NSNumber)?.doubleValue,
                      let v = ((row["attributes"] as? [String: Any])?[name] as? NSNumber)?.doubleValue else { return nil }
                return (s, v)
            }
            var lines = [ChartSeries(name: "learned (batch mean)", color: colors["learned"]!, points: points)]
            if let t = (targetMeans[name] as? NSNumber)?.doubleValue, let first = points.first, let last = points.last {
                lines.append(ChartSeries(name: "target mean", color: colors["target"]!, points: [(first.x, t), (last.x, t)], dashed: true))
            }
            charts.append(LineChart(title: "Mean \(name)", xLabel: "matching step", yLabel: name, series: lines, markers: epochStarts))
        }
        return charts.map(\.svg).joined()
    }

    static func histograms(_ run: RunData) -> String {
        let records = run.records(stage: "histograms")
        guard !records.isEmpty else { return "<p class=\"note\">no histograms recorded (no matching epoch finished, or a run from before they were recorded)</p>" }
        var out = "<p class=\"note\">share of values per bin over each attribute's range: <span style=\"color:\(colors["prior"]!)\">■ prior</span> <span style=\"color:\(colors["learned"]!)\">■ learned</span> <span style=\"color:\(colors["target"]!)\">■ target</span> (64 samples per epoch)</p>"
        let names = Set(records.flatMap { (($0["histograms"] as? [String: Any])?["learned"] as? [String: Any] ?? [:]).keys }).sorted()
        for name in names {
            out += "<h3>\(HTML.escape(name))</h3><div class=\"hists\">"
            for record in records {
                let epoch = (record["epoch"] as? NSNumber)?.intValue ?? 0
                let sets = record["histograms"] as? [String: Any] ?? [:]
                let drawn = ["prior", "target", "learned"].compactMap { set -> (name: String, color: String, histogram: AttributeHistogram)? in
                    guard let h = AttributeHistogram(record: (sets[set] as? [String: Any])?[name]) else { return nil }
                    return (set, colors[set]!, h)
                }
                out += HistogramChart(title: "epoch \(epoch)", sets: drawn).svg
            }
            out += "</div>"
        }
        return out
    }

    static func grids(_ run: RunData) -> String {
        guard !run.grids.isEmpty else { return "<p class=\"note\">no grids yet</p>" }
        var out = "<div class=\"grids\">"
        for (name, data) in run.grids {
            out += "<figure>" + HTML.inlinePNG(data, alt: name) + "<figcaption>\(HTML.escape(name))</figcaption></figure>"
        }
        return out + "</div>"
    }

    static func settings(_ run: RunData) -> String {
        guard let s = run.settings else { return "<p class=\"note\">no settings.json (a run from before it was written)</p>" }
        return HTML.table(header: ["setting", "value"], rows: s.keys.sorted().map { [$0, s[$0]!] }, className: "settings")
    }
}
