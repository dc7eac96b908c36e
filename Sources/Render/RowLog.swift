/// The rows of one shape layer (`ShapeRows.row`: the spans `xs` and `full`, the segments a
/// road's row narrows to and their reach) as the VJP's forward pass computed them, replayed by
/// its reverse pass instead of computing them again: the same values, so the same pixels,
/// segments and results (Fingerprint2DTests; GradientTests).
///
/// Rows are recorded in order from the layer's box's first row; `row(i, kernel:)` returns row
/// `i` of them with `kernel` (the layer's, from `withKernel`) narrowed as it was. Its pointers
/// stay valid while the log lives.
final class RowLog {
    private typealias Narrowing = (start: Int, count: Int, reach: Int)
    private let capacity: Int
    private let spans: UnsafeMutablePointer<(xs: Range<Int>, full: Range<Int>)>
    /// Per row: the narrowed vertices' offset in the layer's vertices and their count (offset −1:
    /// the layer's vertices unchanged), and the offset of its segment reach in `reach` (−1: none).
    private let narrowing: UnsafeMutablePointer<Narrowing>
    private var reach: UnsafeMutablePointer<SIMD2<Double>>
    private var reachCount = 0, reachCapacity: Int
    /// Rows recorded (beyond `capacity`: counted, not kept; such a log is not replayed).
    private(set) var count = 0

    /// - Parameters:
    ///   - rows: the number of rows to record (the layer's box's height).
    ///   - segments: the layer's segment count (the most reach values a row records).
    init(rows: Int, segments: Int) {
        capacity = rows
        spans = .allocate(capacity: max(rows, 1))
        narrowing = .allocate(capacity: max(rows, 1))
        reachCapacity = max(rows * segments, 1)
        reach = .allocate(capacity: reachCapacity)
    }

    deinit {
        spans.deallocate()
        narrowing.deallocate()
        reach.deallocate()
    }

    /// Appends one row: `ShapeRows.row`'s result `rowKernel` for the layer's `kernel`.
    @inline(__always) func record(xs: Range<Int>, full: Range<Int>, rowKernel: LayerKernel, kernel: LayerKernel) {
        let i = count
        count += 1
        guard i < capacity else { return }
        (spans + i).initialize(to: (xs, full))
        var start = -1, reachStart = -1
        if let narrowed = rowKernel.vertices.baseAddress, let base = kernel.vertices.baseAddress {
            start = narrowed - base
        }
        if let source = rowKernel.segmentReach {
            let n = rowKernel.vertices.count
            if reachCount + n > reachCapacity { grow(to: reachCount + n) }
            (reach + reachCount).initialize(from: source, count: n)
            reachStart = reachCount
            reachCount += n
        }
        (narrowing + i).initialize(to: (start, rowKernel.vertices.count, reachStart))
    }

    private func grow(to needed: Int) {
        let capacity = max(needed, 2 * reachCapacity)
        let bigger = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: capacity)
        bigger.moveInitialize(from: reach, count: reachCount)
        reach.deallocate()
        reach = bigger
        reachCapacity = capacity
    }

    /// Row `i` (from the box's first row, below `count` and `rows`) with the layer's `kernel`
    /// narrowed as recorded.
    @inline(__always) func row(_ i: Int, kernel: LayerKernel) -> (xs: Range<Int>, full: Range<Int>, kernel: LayerKernel) {
        let (xs, full) = spans[i]
        let (start, n, reachStart) = narrowing[i]
        var k = kernel
        if start >= 0, let base = kernel.vertices.baseAddress { k.vertices = UnsafeBufferPointer(start: base + start, count: n) }
        k.segmentReach = reachStart >= 0 ? UnsafePointer(reach + reachStart) : nil
        return (xs, full, k)
    }
}
