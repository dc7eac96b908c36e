import Foundation

/// One line of a `LineChart`: points `(x, y)` in data units, drawn in `color` (a CSS colour).
struct ChartSeries {
    var name: String
    var color: String
    var points: [(x: Double, y: Double)]
    var dashed = false
}

/// Evenly spaced "nice" tick values (steps of 1, 2 or 5 × 10ᵏ) covering `[low, high]`.
func niceTicks(_ low: Double, _ high: Double, target: Int = 5) -> [Double] {
    guard low.isFinite, high.isFinite, high > low else { return [low] }
    let raw = (high - low) / Double(max(1, target))
    let power = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
    var ticks: [Double] = []
    var v = (low / step).rounded(.up) * step
    while v <= high + step * 1e-9 {
        ticks.append(abs(v) < step * 1e-9 ? 0 : v)
        v += step
    }
    return ticks
}

/// A tick label: short, without trailing zeros.
func tickLabel(_ v: Double) -> String {
    if v == 0 { return "0" }
    if abs(v) >= 1e4 || abs(v) < 1e-3 { return String(format: "%.0e", v) }
    var s = String(format: "%.3f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}

/// A line chart as inline SVG: axes with nice ticks, one polyline per series, a legend, and
/// optional vertical markers (e.g. epoch boundaries). With `logY`, y is drawn as log₁₀ (values
/// ≤ 0 are dropped) and ticks are powers of ten.
struct LineChart {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [ChartSeries]
    var logY = false
    var markers: [Double] = []
    var width = 560.0
    var height = 260.0

    /// The `<svg>` element; a short note instead when no series has a point.
    var svg: String {
        let transformed = series.map { s -> ChartSeries in
            var s = s
            s.points = s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
                .map { (x: $0.x, y: logY ? log10($0.y) : $0.y) }
            return s
        }
        let all = transformed.flatMap(\.points)
        guard !all.isEmpty else { return "<p class=\"note\">\(HTML.escape(title)): no data</p>" }
        var (x0, x1) = (all.map(\.x).min()!, all.map(\.x).max()!)
        var (y0, y1) = (all.map(\.y).min()!, all.map(\.y).max()!)
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y0 -= logY ? 1 : max(1e-9, abs(y0) * 0.1); y1 += logY ? 1 : max(1e-9, abs(y1) * 0.1) }
        let pad = (y1 - y0) * 0.05
        y0 -= pad; y1 += pad
        let left = 60.0, right = 12.0, top = 26.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        out += "<text x=\"\(f(left))\" y=\"16\" class=\"title\">\(HTML.escape(title))</text>"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" class=\"frame\"/>"
        let yTicks = logY ? niceTicks(y0, y1).filter { $0 == $0.rounded() } : niceTicks(y0, y1)
        for t in (yTicks.isEmpty && logY ? [y0.rounded(.up)] : yTicks) where t >= y0 && t <= y1 {
            out += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(py(t)))\" y2=\"\(f(py(t)))\" class=\"grid\"/>"
            let label = logY ? "1e\(Int(t))" : tickLabel(t)
            out += "<text x=\"\(f(left - 4))\" y=\"\(f(py(t) + 4))\" class=\"tick\" text-anchor=\"end\">\(label)</text>"
        }
        for t in niceTicks(x0, x1, target: 6) {
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 14))\" class=\"tick\" text-anchor=\"middle\">\(tickLabel(t))</text>"
        }
        for m in markers where m > x0 && m < x1 {
            out += "<line x1=\"\(f(px(m)))\" x2=\"\(f(px(m)))\" y1=\"\(f(top))\" y2=\"\(f(top + plotH))\" class=\"marker\"/>"
        }
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 6))\" class=\"axis\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        out += "<text x=\"12\" y=\"\(f(top + plotH / 2))\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(f(top + plotH / 2)))\">\(HTML.escape(yLabel + (logY ? " (log)" : "")))</text>"
        for s in transformed where !s.points.isEmpty {
            let points = s.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "") points=\"\(points)\"/>"
            if s.points.count == 1 {
                out += "<circle cx=\"\(f(px(s.points[0].x)))\" cy=\"\(f(py(s.points[0].y)))\" r=\"3\" fill=\"\(s.color)\"/>"
            }
        }
        var lx = left + 8
        for s in transformed where series.count > 1 {
            out += "<rect x=\"\(f(lx))\" y=\"\(f(top + 6))\" width=\"10\" height=\"3\" fill=\"\(s.color)\"/>"
            out += "<text x=\"\(f(lx + 14))\" y=\"\(f(top + 11))\" class=\"legend\">\(HTML.escape(s.name))</text>"
            lx += 24 + Double(s.name.count) * 6.5
        }
        return out + "</svg>"
    }
}

/// Overlaid histograms (share of values per bin, so sets of different sizes compare) as inline
/// SVG: one translucent step area per set, all on the first set's bins.
struct HistogramChart {
    var title: String
    var sets: [(name: String, color: String, histogram: AttributeHistogram)]
    var width = 260.0
    var height = 150.0

    var svg: String {
        guard let first = sets.first?.histogram else { return "<p class=\"note\">\(HTML.escape(title)): no data</p>" }
        let left = 8.0, right = 8.0, top = 22.0, bottom = 20.0
        let plotW = width - left - right, plotH = height - top - bottom
        let shares = sets.map { set -> [Double] in
            let total = max(1, set.histogram.counts.reduce(0, +))
            return set.histogram.counts.map { Double($0) / Double(total) }
        }
        let peak = max(1e-9, shares.flatMap { $0 }.max() ?? 1)
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hist\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        out += "<text x=\"\(f(left))\" y=\"14\" class=\"title\">\(HTML.escape(title))</text>"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" class=\"frame\"/>"
        for (set, share) in zip(sets, shares) {
            let n = share.count
            var path = "M\(f(left)),\(f(top + plotH))"
            for (i, v) in share.enumerated() {
                let y = top + plotH * (1 - v / peak)
                path += " L\(f(left + plotW * Double(i) / Double(n))),\(f(y)) L\(f(left + plotW * Double(i + 1) / Double(n))),\(f(y))"
            }
            path += " L\(f(left + plotW)),\(f(top + plotH)) Z"
            out += "<path d=\"\(path)\" fill=\"\(set.color)\" fill-opacity=\"0.25\" stroke=\"\(set.color)\" stroke-width=\"1.2\"/>"
        }
        out += "<text x=\"\(f(left))\" y=\"\(f(height - 5))\" class=\"tick\">\(tickLabel(first.min))</text>"
        out += "<text x=\"\(f(left + plotW))\" y=\"\(f(height - 5))\" class=\"tick\" text-anchor=\"end\">\(tickLabel(first.max))</text>"
        return out + "</svg>"
    }
}
