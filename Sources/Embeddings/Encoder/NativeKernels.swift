import CKernels

/// AVX2+FMA versions of the encoder's hottest row kernels (GELU, short-sequence attention),
/// used when the CPU has them; `Kernels` holds the portable Swift versions used otherwise. Both
/// compute the same functions with the same approximations (tested against each other).
///
/// Unchecked in release: pointers must cover the extents given.
enum NativeKernels {
    static let isAvailable = lodestar_encoder_kernels_available() != 0

    /// `data = gelu(data)` (exact erf GELU) over `count` floats.
    static func gelu(_ data: UnsafeMutablePointer<Float>, count: Int) {
        assert(isAvailable)
        lodestar_gelu(data, count)
    }

    /// Floats of scratch `attentionHead` needs for a sequence of `length` tokens.
    static func attentionScratchCount(length: Int, headSize: Int) -> Int {
        lodestar_attention_scratch_count(Int32(length), Int32(headSize))
    }

    /// One head of attention for one sequence (see `lodestar_attention_head`).
    static func attentionHead(length: Int, headSize: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                              v: UnsafePointer<Float>, stride: Int, out: UnsafeMutablePointer<Float>, ldo: Int,
                              scale: Float, scratch: UnsafeMutablePointer<Float>) {
        assert(isAvailable)
        lodestar_attention_head(Int32(length), Int32(headSize), q, k, v, Int32(stride), out, Int32(ldo), scale, scratch)
    }
}
