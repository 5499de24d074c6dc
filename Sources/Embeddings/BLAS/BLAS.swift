import COpenBLAS

/// The one Swift wrapper over the few BLAS calls Lodestar uses. Nothing else imports `COpenBLAS`.
///
/// Unchecked in release: the pointer arguments must address at least the rows × leading-dimension
/// extents described; `assert`s document the shape preconditions in debug builds.
enum BLAS {
    /// Threads used inside one BLAS call. Lodestar parallelises above BLAS (one worker per core, or
    /// column blocks of one product), so this is set to 1 at engine start to avoid oversubscription.
    static func setThreads(_ count: Int) {
        prepare()
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// `C[m×n] = alpha · A[m×k] · B[n×k]ᵀ + beta · C`, all row-major. This is PyTorch's `Linear`
    /// layout: `B` holds one output feature per row.
    ///
    /// - Parameters:
    ///   - lda, ldb, ldc: leading dimensions (row strides) of A, B, C.
    @inline(__always)
    static func gemmABt(
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        assert(m >= 0 && n >= 0 && k >= 0, "negative GEMM extent")
        assert(lda >= k && ldb >= k && ldc >= n, "leading dimension smaller than the row")
        guard m > 0, n > 0 else { return }
        prepare()
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// `C[m×n] = alpha · A[m×k] · B[k×n] + beta · C`, all row-major.
    @inline(__always)
    static func gemmAB(
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        assert(m >= 0 && n >= 0 && k >= 0, "negative GEMM extent")
        assert(lda >= k && ldb >= n && ldc >= n, "leading dimension smaller than the row")
        guard m > 0, n > 0 else { return }
        prepare()
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// A short description of the BLAS build and the kernels in use (for benchmark reports), e.g.
    /// "OpenBLAS 0.3.21 DYNAMIC_ARCH … kernels=Cooperlake (OpenBLAS chose Prescott)".
    static var configuration: String {
        let build = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        var text = "\(build) kernels=\(coreName)"
        if let selection = kernelSelection { text += " (OpenBLAS chose \(selection.replaced))" }
        return text
    }
}
