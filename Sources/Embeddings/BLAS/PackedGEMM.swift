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
    static let rowLimit = lodestar_kernel_level() == 2 ? Int.max : 128

    /// Columns per panel.
    static let panelWidth = Int(LODESTAR_PANEL)

    /// Output columns a call should cover at least (a multiple of `panelWidth`): the widest tile.
    static let columnStep = Int(lodestar_packed_column_step())

    /// Whether the vectorised kernel runs on this CPU (otherwise `cblas_sgemm` is used throughout).
    static let isAvailable = lodestar_kernels_vectorized() != 0

    /// Packed weights of one linear layer, in a huge-page arena (a panel spans 24–96 KB: with 4 KB
    /// pages every panel would cross several pages, where the hardware prefetcher stops).
    struct Weights: Sendable {
        /// The arena holding the panels (`nil` when the kernel does not run on this CPU).
        private let arena: HugePageBuffer?
        private let offset: Int
        let outputs: Int
        let inputs: Int
        var panelCount: Int { (outputs + PackedGEMM.panelWidth - 1) / PackedGEMM.panelWidth }

        /// Floats the packed form of an `[outputs × inputs]` weight takes in an arena (0 when the
        /// kernel does not run on this CPU).
        static func count(outputs: Int, inputs: Int) -> Int {
            PackedGEMM.isAvailable ? lodestar_packed_count(Int32(outputs), Int32(inputs)) : 0
        }

        /// Packs `weight` (`[outputs × inputs]`, PyTorch's layout) into `arena` from `offset`, or
        /// into an arena of its own.
        init(_ weight: [Float], outputs: Int, inputs: Int, arena: HugePageBuffer? = nil, offset: Int = 0) {
            precondition(weight.count == outputs * inputs, "weight size does not match its shape")
            self.outputs = outputs
            self.inputs = inputs
            let count = Self.count(outputs: outputs, inputs: inputs)
            guard count > 0 else {
                self.arena = nil
                self.offset = 0
                return
            }
            let arena = arena ?? HugePageBuffer(count: count)
            precondition(offset >= 0 && offset + count <= arena.count, "packed weight does not fit its place in the arena")
            weight.withUnsafeBufferPointer { w in
                lodestar_pack_weights(w.baseAddress!, Int32(outputs), Int32(inputs), arena.base + offset)
            }
            self.arena = arena
            self.offset = offset
        }

        /// The first panel, or `nil` without the kernel.
        var panels: UnsafePointer<Float>? { arena.map { UnsafePointer($0.base + offset) } }
    }

    /// `c[rows × outputs] = a[rows × inputs] · Wᵀ (+ bias)` or, with `accumulate`, `c += a · Wᵀ`, for
    /// the output panels in `panels`; with `gelu`, each result then goes through exact GELU (the same
    /// arithmetic as `NativeKernels.gelu`). `bias`, when given, holds `outputs` floats.
    static func multiply(rows: Int, a: UnsafePointer<Float>, lda: Int, weights: Weights,
                         c: UnsafeMutablePointer<Float>, ldc: Int, panels: Range<Int>, accumulate: Bool = false,
                         bias: UnsafePointer<Float>? = nil, gelu: Bool = false) {
        assert(lda >= weights.inputs && ldc >= weights.outputs, "leading dimension smaller than the row")
        assert(panels.lowerBound >= 0 && panels.upperBound <= weights.panelCount, "panel range out of bounds")
        guard let packed = weights.panels else {
            preconditionFailure("packed kernel used without packed weights")
        }
        lodestar_gemm_packed(Int32(rows), Int32(weights.outputs), Int32(weights.inputs), a, Int32(lda),
                             packed, c, Int32(ldc), Int32(panels.lowerBound), Int32(panels.upperBound),
                             accumulate ? 1 : 0, bias, gelu ? 1 : 0)
    }
}
