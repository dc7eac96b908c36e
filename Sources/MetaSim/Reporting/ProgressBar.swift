import Foundation

/// A progress bar with an ETA on standard error, for every long loop.
///
/// On a terminal it redraws one line at most ten times a second; when standard error is not a
/// terminal (a log file, CI) it prints a plain line at each tenth of the way instead, so logs
/// stay short. A quiet bar prints nothing. `total` 0 is allowed (the bar is then complete).
public final class ProgressBar {
    /// Text shown before the bar.
    public let title: String
    /// Units in the whole loop (negative values are stored as 0).
    public let total: Int
    /// Units done so far, never above `total`.
    public private(set) var done = 0
    private let quiet: Bool
    private let interactive: Bool
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0
    private var lastTenth = -1
    private var status = ""
    private var finished = false

    /// A bar at 0 of `total`; nothing is drawn until the first `advance`. `quiet` silences it.
    public init(_ title: String, total: Int, quiet: Bool) {
        self.title = title
        self.total = max(0, total)
        self.quiet = quiet
        self.interactive = isatty(STDERR_FILENO) != 0
    }

    /// Seconds since the bar was made.
    public var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Marks `count` more units done; `status` (for example the current loss) is shown after
    /// the bar.
    public func advance(by count: Int = 1, status: String? = nil) {
        done = min(total, done + count)
        if let status { self.status = status }
        draw(force: done == total)
    }

    /// Completes the line (call once at the end; later calls do nothing more). A loop that ends
    /// before `total` (stage 1 reaching its threshold) keeps its true count: `57/500, stopped early`.
    public func finish(status: String? = nil) {
        if let status { self.status = status }
        finished = true
        lastTenth = -1
        draw(force: true)
        if interactive && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw(force: Bool) {
        guard !quiet else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let fraction = total == 0 || finished ? 1 : Double(done) / Double(total)
        if interactive {
            guard force || now - lastDraw > 100_000_000 else { return }
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth else { return }
            lastTenth = tenth
        }
        lastDraw = now
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = done > 0 && done < total ? " ETA \(Self.clock(elapsed / Double(done) * Double(total - done)))" : ""
        let line = "\(title) [\(bar)] \(countText) \(Self.clock(elapsed))\(finished ? "" : eta) \(status)"
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    /// Units done of the total, and — once finished before the total — `, stopped early`: a
    /// stage-1 loop that met its threshold at step 57 of 500 shows `57/500, stopped early`.
    var countText: String {
        "\(done)/\(total)" + (finished && done < total ? ", stopped early" : "")
    }

    /// `m:ss`, or `h:mm:ss` from an hour on.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
