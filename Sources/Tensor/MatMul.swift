import CBLAS

/// C[m×n] = alpha · op(A) · op(B) + beta · C with row-major storage, through OpenBLAS.
/// `transA`/`transB` read A/B transposed via the BLAS flags (no copies).
@inline(__always)
public func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                  _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
