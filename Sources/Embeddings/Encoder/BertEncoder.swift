import Foundation

/// The BERT encoder and pooling, over a packed batch: the tokens of all sequences of a batch are
/// stacked into one `[tokens × hidden]` matrix for the dense layers (no padding is ever computed),
/// and attention runs per sequence and head. A sequence's result therefore does not depend on what
/// else is in its batch.
struct BertEncoder: Sendable {
    let configuration: ModelConfiguration
    let weights: BertWeights

    /// Scratch memory of one worker. Not thread-safe: one forward pass at a time.
    final class Workspace {
        let hidden = FloatBuffer()
        let queryKeyValue = FloatBuffer()
        let context = FloatBuffer()
        let intermediate = FloatBuffer()
        let scores = FloatBuffer()
    }

    /// Row kernels (bias, activation, LayerNorm) split across threads only in chunks of at least
    /// this many rows; fewer are cheaper inline than a thread hand-off. With the spinning pool a
    /// hand-off costs about a microsecond instead of tens.
    static func rowsPerChunk(_ executor: ParallelExecutor) -> Int { executor.pool == nil ? 16 : 2 }

    /// Work is split across threads only when each part gets at least this many multiply-adds.
    static func minimumSplitWork(_ executor: ParallelExecutor) -> Int { executor.pool == nil ? 1 << 20 : 1 << 14 }

    /// Without the AVX2 attention kernel, sequences at least this long use BLAS for attention
    /// scores and context, shorter ones a SIMD loop. (The AVX2 kernel is used at every length: it
    /// measured 1.7-2.2x faster than two small sgemm calls plus softmax from 16 to 256 tokens.)
    static let attentionGEMMThreshold = 48

    /// Embeds each token sequence (ids including `[CLS]`/`[SEP]`) into `output[i]`.
    func encode(_ sequences: [[Int32]], workspace: Workspace, executor: ParallelExecutor) -> [[Float]] {
        let c = configuration
        let h = c.hiddenSize
        let lengths = sequences.map(\.count)
        let total = lengths.reduce(0, +)
        guard total > 0 else { return sequences.map { _ in [Float](repeating: 0, count: c.dimension) } }
        var offsets = [Int](repeating: 0, count: sequences.count)
        for i in 1..<max(sequences.count, 1) { offsets[i] = offsets[i - 1] + lengths[i - 1] }

        let x = workspace.hidden.reserve(total * h)
        let qkv = workspace.queryKeyValue.reserve(total * 3 * h)
        let context = workspace.context.reserve(total * h)
        let intermediate = workspace.intermediate.reserve(total * c.intermediateSize)
        let maxLength = lengths.max() ?? 0
        let scoresStride = max(maxLength * maxLength,
                               NativeKernels.attentionScratchCount(length: maxLength, headSize: c.headSize))
        let scores = workspace.scores.reserve(scoresStride * max(executor.threads, 1))

        embed(sequences, offsets: offsets, into: x, executor: executor)

        for layer in weights.layers {
            // q, k, v = x·Wᵀ + b (the output starts as the bias; the product accumulates onto it)
            linear(x, rows: total, layer.queryKeyValue, output: qkv, start: .bias, executor: executor)
            attention(qkv: qkv, context: context, offsets: offsets, lengths: lengths,
                      scores: scores, scoresStride: scoresStride, executor: executor)
            // x = LayerNorm(x + context·Wᵀ + b): the product accumulates onto the residual itself.
            linear(context, rows: total, layer.attentionOutput, output: x, start: .residual, executor: executor)
            biasNorm(x, bias: layer.attentionOutput.bias, rows: total, norm: layer.attentionNorm, executor: executor)
            // The packed kernel applies exact GELU to its results before storing them (no pass over
            // the intermediate activations, which outgrow L2); otherwise a separate pass.
            let fusedGELU = c.activation == .gelu && NativeKernels.isAvailable && Self.usesPackedKernel(rows: total)
            linear(x, rows: total, layer.intermediate, output: intermediate, start: .bias, gelu: fusedGELU, executor: executor)
            if !fusedGELU {
                let width = c.intermediateSize
                executor.forChunks(total, minimumChunk: Self.rowsPerChunk(executor)) { rows in
                    let block = intermediate + rows.lowerBound * width
                    if c.activation == .gelu && NativeKernels.isAvailable {
                        NativeKernels.gelu(block, count: rows.count * width)
                    } else {
                        Kernels.activation(block, count: rows.count * width, activation: c.activation)
                    }
                }
            }
            linear(intermediate, rows: total, layer.output, output: x, start: .residual, executor: executor)
            biasNorm(x, bias: layer.output.bias, rows: total, norm: layer.outputNorm, executor: executor)
        }

        return (0..<sequences.count).map { i in
            Pooling.pool(x + offsets[i] * h, length: lengths[i], hiddenSize: h, configuration: c)
        }
    }

    // MARK: - Steps

    /// Word + token-type + position embeddings, then LayerNorm.
    private func embed(_ sequences: [[Int32]], offsets: [Int], into x: UnsafeMutablePointer<Float>, executor: ParallelExecutor) {
        let h = configuration.hiddenSize
        let vocabulary = configuration.vocabularySize
        weights.wordEmbeddings.withUnsafeBufferPointer { words in
        weights.positionEmbeddings.withUnsafeBufferPointer { positions in
        weights.tokenTypeEmbeddings.withUnsafeBufferPointer { types in
            for (s, ids) in sequences.enumerated() {
                for (p, id) in ids.enumerated() {
                    let row = x + (offsets[s] + p) * h
                    let token = Int(id) >= 0 && Int(id) < vocabulary ? Int(id) : 0
                    let w = words.baseAddress! + token * h
                    let t = types.baseAddress!
                    let q = positions.baseAddress! + p * h
                    for d in 0..<h { row[d] = (w[d] + t[d]) + q[d] }
                }
            }
        }}}
        let total = (offsets.last ?? 0) + (sequences.last?.count ?? 0)
        biasNorm(x, bias: nil, rows: total, norm: weights.embeddingNorm, executor: executor)
    }

    /// What a linear layer's output holds before the product is accumulated onto it.
    enum Start {
        /// The layer's bias, broadcast to every row.
        case bias
        /// The output already holds the residual stream; the product is added to it.
        case residual
    }

    /// `output = bias + input · Wᵀ` or `output += input · Wᵀ`. The packed kernel (below
    /// `PackedGEMM.rowLimit` rows: all of them with AVX-512) adds the bias or the residual to its
    /// sums; otherwise `cblas_sgemm` runs with beta = 1 over the bias copied into the output first,
    /// so no pass is spent zeroing it. With several threads
    /// the output columns are split so each thread runs a single-threaded product on its own block.
    ///
    /// - Parameter gelu: apply exact GELU to the results (only on the packed kernel's path).
    private func linear(_ input: UnsafePointer<Float>, rows: Int, _ layer: BertWeights.Linear,
                        output: UnsafeMutablePointer<Float>, start: Start, gelu: Bool = false, executor: ParallelExecutor) {
        let work = rows * layer.outputs * layer.inputs
        let split = work >= 2 * Self.minimumSplitWork(executor) ? executor : ParallelExecutor(threads: 1)
        let packed = Self.usesPackedKernel(rows: rows)
        precondition(!gelu || packed, "GELU is fused only into the packed kernel")
        let granularity = packed ? PackedGEMM.columnStep : 64
        layer.bias.withUnsafeBufferPointer { bias in
            split.forChunks(layer.outputs, granularity: granularity) { columns in
                if packed {
                    // The kernel adds the bias (or the residual already in the output) to its sums.
                    let width = PackedGEMM.panelWidth
                    let panels = (columns.lowerBound / width)..<((columns.upperBound + width - 1) / width)
                    PackedGEMM.multiply(rows: rows, a: input, lda: layer.inputs, weights: layer.packed,
                                        c: output, ldc: layer.outputs, panels: panels, accumulate: start == .residual,
                                        bias: start == .bias ? bias.baseAddress : nil, gelu: gelu)
                } else {
                    if start == .bias {
                        for r in 0..<rows {
                            (output + r * layer.outputs + columns.lowerBound)
                                .update(from: bias.baseAddress! + columns.lowerBound, count: columns.count)
                        }
                    }
                    BLAS.gemmAB(m: rows, n: columns.count, k: layer.inputs,
                                a: input, lda: layer.inputs,
                                b: layer.transposed + columns.lowerBound, ldb: layer.outputs,
                                beta: 1, c: output + columns.lowerBound, ldc: layer.outputs)
                }
            }
        }
    }

    /// Whether a product with `rows` rows runs on the packed kernel (else on `cblas_sgemm`).
    static func usesPackedKernel(rows: Int) -> Bool {
        rows < PackedGEMM.rowLimit && PackedGEMM.isAvailable
    }

    /// `x = LayerNorm(x + bias)` row by row (no bias when `nil`), with the AVX2 kernel when the CPU
    /// has it.
    private func biasNorm(_ x: UnsafeMutablePointer<Float>, bias: [Float]?, rows total: Int,
                          norm: BertWeights.Norm, executor: ParallelExecutor) {
        let h = configuration.hiddenSize
        let epsilon = configuration.layerNormEpsilon
        let native = NativeKernels.isAvailable
        (bias ?? []).withUnsafeBufferPointer { biasBuffer in
        norm.gamma.withUnsafeBufferPointer { gamma in
        norm.beta.withUnsafeBufferPointer { beta in
            let bias = bias == nil ? nil : biasBuffer.baseAddress
            executor.forChunks(total, minimumChunk: Self.rowsPerChunk(executor)) { rows in
                let block = x + rows.lowerBound * h
                if native {
                    NativeKernels.layerNorm(block, rows: rows.count, width: h, bias: bias,
                                            gamma: gamma.baseAddress!, beta: beta.baseAddress!, epsilon: epsilon)
                } else if let bias {
                    Kernels.biasLayerNorm(block, rows: rows.count, width: h, bias: bias,
                                          gamma: gamma.baseAddress!, beta: beta.baseAddress!, epsilon: epsilon)
                } else {
                    Kernels.layerNorm(block, rows: rows.count, width: h,
                                      gamma: gamma.baseAddress!, beta: beta.baseAddress!, epsilon: epsilon)
                }
            }
        }}}
    }

    /// Scaled dot-product attention of every (sequence, head) pair; writes the context rows.
    private func attention(qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
                           offsets: [Int], lengths: [Int], scores: UnsafeMutablePointer<Float>, scoresStride: Int,
                           executor: ParallelExecutor) {
        let c = configuration
        let h = c.hiddenSize
        let heads = c.headCount
        let d = c.headSize
        let stride = 3 * h
        let scale = 1 / Float(d).squareRoot()
        let pairs = lengths.count * heads
        // Each chunk of (sequence, head) pairs runs on one thread with its own score buffer; tiny
        // attention (a short single text) runs inline.
        let work = 2 * lengths.reduce(0) { $0 + $1 * $1 } * h
        let minimumChunk = work >= Self.minimumSplitWork(executor) ? 1 : pairs
        executor.forIndexedChunks(pairs, minimumChunk: minimumChunk) { slot, range in
            let s = scores + slot * scoresStride
            for pair in range {
                let sequence = pair / heads
                let head = pair % heads
                let length = lengths[sequence]
                let base = offsets[sequence]
                let q = qkv + base * stride + head * d
                let k = q + h
                let v = q + 2 * h
                let out = context + base * h + head * d
                if NativeKernels.isAvailable {
                    NativeKernels.attentionHead(length: length, headSize: d, q: q, k: k, v: v, stride: stride,
                                                out: out, ldo: h, scale: scale, scratch: s)
                } else if length >= Self.attentionGEMMThreshold {
                    BLAS.gemmABt(m: length, n: length, k: d, alpha: scale, a: q, lda: stride, b: k, ldb: stride,
                                 c: s, ldc: length)
                    for i in 0..<length { Kernels.softmax(s + i * length, length) }
                    BLAS.gemmAB(m: length, n: d, k: length, a: s, lda: length, b: v, ldb: stride, c: out, ldc: h)
                } else {
                    for i in 0..<length {
                        let row = s + i * length
                        let qi = q + i * stride
                        for j in 0..<length {
                            row[j] = Kernels.dot(qi, k + j * stride, d) * scale
                        }
                        Kernels.softmax(row, length)
                        let o = out + i * h
                        o.update(repeating: 0, count: d)
                        for j in 0..<length {
                            Kernels.axpy(row[j], v + j * stride, o, d)
                        }
                    }
                }
            }
        }
    }
}
