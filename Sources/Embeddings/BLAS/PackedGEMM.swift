import CKernels

/// A GEMM against weights packed once at load time, for products with few rows.
///
/// OpenBLAS packs both operands on every `sgemm` call; with a batch of a few dozen tokens, re-packing
/// the whole weight matrix costs as much as the multiplication. This kernel (AVX2+FMA, chosen at run
/// time) streams pre-packed 16-column panels instead. It accumulates every element over `k` in the
/// same order whatever the number of rows, and is used below `rowLimit` rows; larger products go to
/// `cblas_sgemm`. Unchecked in release: pointers must cover the extents given (asserted in debug).
enum PackedGEMM {
    /// Products with fewer rows than this use the packed kernel. The AVX2 kernel: measured crossover
    /// with OpenBLAS 0.3.21 on Zen 3, 1.6-2.6x faster at 6-16 rows, equal from ~128. The AVX-512
    /// kernel (12 rows x 32 columns a tile) runs at ~90% of the FMA peak at any size, as OpenBLAS's
    /// own kernel does, and skips OpenBLAS's packing of both operands on every call and the pass
    /// that copies the bias into the output: it is used for all sizes.
    static let rowLimit = lodestar_packed_kernel_is_wide() != 0 ? Int.max : 128

    /// Columns per panel.
    static let panelWidth = Int(LODESTAR_PANEL)

    /// Output columns a call should cover at least (a multiple of `panelWidth`): the widest tile.
    static let columnStep = Int(lodestar_packed_column_step())

    /// Whether the vectorised kernel runs on this CPU (otherwise `cblas_sgemm` is used throughout).
    static let isAvailable = lodestar_kernels_vectorized() != 0

    /// Packed weights of one linear layer.
    struct Weights: Sendable {
        let storage: [Float]
        let outputs: Int
        let inputs: Int
        var panelCount: Int { (outputs + PackedGEMM.panelWidth - 1) / PackedGEMM.panelWidth }

        init(_ weight: [Float], outputs: Int, inputs: Int) {
            precondition(weight.count == outputs * inputs, "weight size does not match its shape")
            self.outputs = outputs
            self.inputs = inputs
            guard PackedGEMM.isAvailable else {
                storage = []
                return
            }
            let count = lodestar_packed_count(Int32(outputs), Int32(inputs))
            storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                weight.withUnsafeBufferPointer { w in
                    lodestar_pack_weights(w.baseAddress!, Int32(outputs), Int32(inputs), buffer.baseAddress!)
                }
                initialized = count
            }
        }
    }

    /// `c[rows × outputs] = a[rows × inputs] · Wᵀ (+ bias)` or, with `accumulate`, `c += a · Wᵀ`, for
    /// the output panels in `panels`; with `gelu`, each result then goes through exact GELU (the same
    /// arithmetic as `NativeKernels.gelu`). `bias`, when given, holds `outputs` floats.
    static func multiply(rows: Int, a: UnsafePointer<Float>, lda: Int, weights: Weights,
                         c: UnsafeMutablePointer<Float>, ldc: Int, panels: Range<Int>, accumulate: Bool = false,
                         bias: UnsafePointer<Float>? = nil, gelu: Bool = false) {
        assert(isAvailable && !weights.storage.isEmpty, "packed kernel used without packed weights")
        assert(lda >= weights.inputs && ldc >= weights.outputs, "leading dimension smaller than the row")
        assert(panels.lowerBound >= 0 && panels.upperBound <= weights.panelCount, "panel range out of bounds")
        weights.storage.withUnsafeBufferPointer { packed in
            lodestar_gemm_packed(Int32(rows), Int32(weights.outputs), Int32(weights.inputs), a, Int32(lda),
                                 packed.baseAddress!, c, Int32(ldc), Int32(panels.lowerBound), Int32(panels.upperBound),
                                 accumulate ? 1 : 0, bias, gelu ? 1 : 0)
        }
    }
}
