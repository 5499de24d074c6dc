import CKernels

/// AVX2+FMA versions of the encoder's hottest row kernels (GELU, attention, LayerNorm),
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

    /// `x = LayerNorm(x + bias) · gamma + beta` for each row (no bias when `nil`), in place.
    static func layerNorm(_ data: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>?,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        assert(isAvailable)
        lodestar_layer_norm(data, Int32(rows), Int32(width), bias, gamma, beta, epsilon)
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
