import Foundation

/// A run's results as a small text table for the terminal: the target-test metrics of the task
/// network trained on prior-grammar vs Meta-Sim data (accuracy, or IoUs) beside the oracle's
/// (trained on target data: the ceiling), the KIDs to the target, and each mutable attribute's
/// mean and 5 / 50 / 95 % quantiles in prior, learned and target data.
public struct ResultsTable {
    /// The table, aligned columns, one row per line.
    public let text: String

    /// Lays out `r`: scores as percentages (with `task_network.repeats` > 1, the mean ± the
    /// sample standard deviation over the repeats), attribute values with two decimals, `–`
    /// where a value is missing. The oracle's scores go in the target column, its source in a note.
    public init(_ r: RunResults) {
        func number(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "–" }
        func spread(_ q: [Double]?) -> String {  // the 5, 50 and 95 % of `attributeQuantileLevels`
            guard let q, q.count == attributeQuantileLevels.count else { return "–" }
            return [q[0], q[2], q[4]].map { String(format: "%.2f", $0) }.joined(separator: " / ")
        }
        func score(_ name: String, _ mean: [String: Double], _ runs: [[String: Double]]) -> String {
            scoreText(mean[name], runs: runs.compactMap { $0[name] })
        }
        let hasOracle = r.oracleSource != nil
        var rows: [(String, String, String, String)] = [("", "prior grammar", "Meta-Sim", hasOracle ? "target / oracle" : "target")]
        for name in Set(r.priorScores.keys).union(r.metasimScores.keys).sorted() {
            rows.append((name.replacingOccurrences(of: "_", with: " "), score(name, r.priorScores, r.priorScoreRuns),
                         score(name, r.metasimScores, r.metasimScoreRuns), hasOracle ? score(name, r.oracleScores, r.oracleScoreRuns) : ""))
        }
        if r.priorKID != nil || r.metasimKID != nil {
            func kid(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "–" }
            rows.append(("KID to target (\(r.kidImages) images)", kid(r.priorKID), kid(r.metasimKID), ""))
        }
        for name in r.learnedAttributeMeans.keys.sorted() {
            rows.append(("mean \(name)", number(r.priorAttributeMeans[name]), number(r.learnedAttributeMeans[name]),
                         number(r.targetAttributeMeans?[name])))
            rows.append(("  5 / 50 / 95 %", spread(r.priorAttributeQuantiles[name]), spread(r.learnedAttributeQuantiles[name]),
                         spread(r.targetAttributeQuantiles?[name])))
        }
        let widths = [0, 1, 2, 3].map { c in rows.map { [$0.0, $0.1, $0.2, $0.3][c].count }.max()! }
        func pad(_ s: String, _ w: Int, left: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? s + fill : fill + s
        }
        var lines = rows.map { row in
            [row.0, row.1, row.2, row.3].enumerated().map { pad($1, widths[$0], left: $0 == 0) }.joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: lines[0].count), at: 1)
        if r.testImages > 0 {
            lines.append(String(format: "wall time %.0f s (%.1f min), task networks trained on %d images, tested on %d target images",
                                r.wallSeconds, r.wallSeconds / 60, r.trainImages, r.testImages)
                         + (r.priorScoreRuns.count > 1 ? ", each \(r.priorScoreRuns.count) times (mean ± SD)" : ""))
        } else {
            lines.append(String(format: "wall time %.0f s (%.1f min); no labelled target test set, so no task network was trained (attribute means over %d generated images)",
                                r.wallSeconds, r.wallSeconds / 60, r.trainImages))
        }
        if let source = r.oracleSource {
            lines.append("oracle: the same task network trained on " + RunResults.describeOracleData(source: source, images: r.oracleTrainImages))
        }
        text = lines.joined(separator: "\n")
    }
}

/// A score (a fraction 0–1) as a percentage, `–` when missing; with more than one repeat's
/// figure in `runs` (`task_network.repeats`), followed by `± ` and their sample standard
/// deviation in percentage points around `mean`.
func scoreText(_ mean: Double?, runs: [Double]) -> String {
    guard let m = mean else { return "–" }
    let text = String(format: "%.1f %%", 100 * m)
    guard runs.count > 1 else { return text }
    let variance = runs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(runs.count - 1)
    return text + String(format: " ± %.1f", 100 * variance.squareRoot())
}
