import CBLAS
import Parallel

/// C[m×n] = alpha · op(A) · op(B) + beta · C with row-major storage, through OpenBLAS.
/// `transA`/`transB` read A/B transposed via the BLAS flags (no copies). OpenBLAS runs on one
/// thread (`BLASThreads`); a product of at least `sgemmParallelMinimum` multiply-adds is cut
/// into blocks of `sgemmBlockRows` rows of C, multiplied on the `Parallel` module's threads.
/// OpenBLAS's sums depend on the shape it is given (its blocking and tail kernels), so the
/// result is that of these fixed blocks: the same for any number of threads (and equal to one
/// call up to rounding, SGEMMSplitTests).
public func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                  _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    forEachRowBlock(m, n: n, k: k) { rows in
        // Row r of op(A) is row r of A, or column r of A when A is read transposed.
        sgemmSerial(transA: transA, transB: transB, m: rows.count, n: n, k: k, alpha: alpha,
                    a + (transA ? rows.lowerBound : rows.lowerBound * lda), lda: lda, b, ldb: ldb,
                    beta: beta, c + rows.lowerBound * ldc, ldc: ldc)
    }
}

/// Multiply-adds (m·n·k) from which `sgemm` splits a product over threads: about 0.1 ms of
/// work, well above the cost of dispatching it.
let sgemmParallelMinimum = 1 << 21
/// Rows of C per block when `sgemm` splits (the last block may hold fewer).
let sgemmBlockRows = 64

/// Calls `body` with `0..<m` (a product under `sgemmParallelMinimum`), or with consecutive
/// blocks of `sgemmBlockRows` rows in parallel: the cut depends only on the shape.
func forEachRowBlock(_ m: Int, n: Int, k: Int, _ body: (Range<Int>) -> Void) {
    guard m > sgemmBlockRows, m * n * k >= sgemmParallelMinimum else { return body(0..<m) }
    let blocks = (m + sgemmBlockRows - 1) / sgemmBlockRows
    parallelChunks(blocks, maxChunks: blocks) { range in
        for block in range { body(block * sgemmBlockRows..<Swift.min(m, (block + 1) * sgemmBlockRows)) }
    }
}

/// `sgemm` on the calling thread only (one OpenBLAS call): for callers that are themselves
/// split over threads, such as convolution image by image.
@inline(__always)
public func sgemmSerial(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                        beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    _ = BLASThreads.single
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Keeps OpenBLAS on the calling thread, process-wide, from the engine's first GEMM on.
/// OpenBLAS's own threads (the pthread build Debian links) spin for a while after each call
/// before they sleep; alternating with the engine's `parallelFor` phases (im2col, col2im,
/// elementwise ops) on the same cores, and on a machine shared with other processes, they took
/// the cores those phases needed: at load 9 `tensor.conv3x3` ran 14.4–17.5 GFLOP/s with two
/// OpenBLAS threads against 19.2–19.6 with one (Benchmarks/README.md). With one thread pool — the `Parallel` module's — work is
/// never nested and no thread spins. Overrides `OPENBLAS_NUM_THREADS`.
public enum BLASThreads {
    /// Evaluated once; sets OpenBLAS to one thread.
    public static let single: Bool = {
        openblas_set_num_threads(1)
        return true
    }()
}

extension Tensor {
    /// Matrix product. 2-d × 2-d gives [m, n]; with rank ≥ 3 on either side, leading axes are
    /// batch axes and must match exactly (a rank-2 operand is shared by every batch entry).
    /// - Precondition: inner dimensions agree.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let a = self, b = other
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: shapes \(a.shape) and \(b.shape) need rank ≥ 2")
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        precondition(k == k2, "matmul: inner dimensions differ for shapes \(a.shape) and \(b.shape)"
                     + (transposeA || transposeB ? " (transposeA: \(transposeA), transposeB: \(transposeB))" : ""))
        let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
        precondition(aBatch.isEmpty || bBatch.isEmpty || aBatch == bBatch,
                     "matmul: batch dimensions of \(a.shape) and \(b.shape) differ")
        let batchShape = aBatch.isEmpty ? bBatch : aBatch
        let batch = shapeCount(batchShape)
        let aStep = aBatch.isEmpty ? 0 : ar * ac, bStep = bBatch.isEmpty ? 0 : br * bc
        let out: [Float]
        if aStep != 0 && bStep == 0 && !transposeA {
            // one GEMM: stack a's batch rows
            out = makeBuffer(batch * m * n) { o in
                a.data.withUnsafeBufferPointer { x in b.data.withUnsafeBufferPointer { y in
                    sgemm(transA: false, transB: transposeB, m: batch * m, n: n, k: k, x.baseAddress!, lda: ac,
                          y.baseAddress!, ldb: bc, o.baseAddress!, ldc: n)
                } }
            }
        } else {
            out = makeBuffer(batch * m * n) { o in
                a.data.withUnsafeBufferPointer { x in b.data.withUnsafeBufferPointer { y in
                    for i in 0..<batch {
                        sgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                              x.baseAddress! + i * aStep, lda: ac, y.baseAddress! + i * bStep, ldb: bc,
                              o.baseAddress! + i * m * n, ldc: n)
                    }
                } }
            }
        }
        return Tensor.record(batchShape + [m, n], out, inputs: [a, b]) { g, needs in
            let ad = a.detached, bd = b.detached
            var ga: Tensor? = nil, gb: Tensor? = nil
            if needs[0] {
                // dA = g · op(B)^T (then transposed back if A was read transposed)
                let r = transposeA ? bd.matmul(g, transposeA: transposeB, transposeB: true)
                                   : g.matmul(bd, transposeB: !transposeB)
                ga = aBatch.isEmpty && !bBatch.isEmpty ? r.sum(axes: Array(0..<bBatch.count)) : r
            }
            if needs[1] {
                let r = transposeB ? g.matmul(ad, transposeA: true, transposeB: transposeA)
                                   : ad.matmul(g, transposeA: !transposeA)
                gb = bBatch.isEmpty && !aBatch.isEmpty ? r.sum(axes: Array(0..<aBatch.count)) : r
            }
            return [ga, gb]
        }
    }
}
