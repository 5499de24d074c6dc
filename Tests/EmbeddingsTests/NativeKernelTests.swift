import Foundation
import Testing
@testable import Embeddings

/// The AVX2 kernels and the packed GEMM agree with the portable Swift kernels and with BLAS.
@Suite struct NativeKernelTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
        mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
    }

    @Test(.enabled(if: PackedGEMM.isAvailable, "the packed GEMM needs AVX2+FMA or AVX-512"), arguments: [1, 5, 6, 7, 15, 48, 127])
    func packedGEMMMatchesBLAS(rows: Int) {
        var random = Generator(state: UInt64(rows))
        for (outputs, inputs) in [(1152, 384), (40, 33), (16, 1536), (17, 5)] {
            let a = random.array(rows * inputs), w = random.array(outputs * inputs)
            let packed = PackedGEMM.Weights(w, outputs: outputs, inputs: inputs)
            var expected = [Float](repeating: 0, count: rows * outputs)
            var actual = [Float](repeating: .nan, count: rows * outputs)
            BLAS.gemmABt(m: rows, n: outputs, k: inputs, a: a, lda: inputs, b: w, ldb: inputs, c: &expected, ldc: outputs)
            // Two halves of the panels, as the latency path splits them across threads.
            let half = packed.panelCount / 2
            PackedGEMM.multiply(rows: rows, a: a, lda: inputs, weights: packed, c: &actual, ldc: outputs, panels: 0..<half)
            PackedGEMM.multiply(rows: rows, a: a, lda: inputs, weights: packed, c: &actual, ldc: outputs, panels: half..<packed.panelCount)
            let worst = zip(expected, actual).map { abs($0 - $1) }.max() ?? .nan
            #expect(worst < 1e-4 * Float(inputs).squareRoot(), "rows \(rows), \(outputs)x\(inputs): \(worst)")
        }
    }

    @Test(.enabled(if: PackedGEMM.isAvailable, "the packed GEMM needs AVX2+FMA or AVX-512"))
    func packedGEMMRowsAreIndependentOfTheirNeighbours() {
        var random = Generator(state: 7)
        let inputs = 384, outputs = 384
        let a = random.array(13 * inputs), w = random.array(outputs * inputs)
        let packed = PackedGEMM.Weights(w, outputs: outputs, inputs: inputs)
        var all = [Float](repeating: 0, count: 13 * outputs)
        PackedGEMM.multiply(rows: 13, a: a, lda: inputs, weights: packed, c: &all, ldc: outputs, panels: 0..<packed.panelCount)
        for row in [0, 5, 6, 12] {
            var one = [Float](repeating: 0, count: outputs)
            Array(a[(row * inputs)..<((row + 1) * inputs)]).withUnsafeBufferPointer { rowPointer in
                PackedGEMM.multiply(rows: 1, a: rowPointer.baseAddress!, lda: inputs, weights: packed, c: &one, ldc: outputs,
                                    panels: 0..<packed.panelCount)
            }
            #expect(Array(all[(row * outputs)..<((row + 1) * outputs)]) == one, "row \(row) must be bit-identical")
        }
    }

    @Test(.enabled(if: NativeKernels.isAvailable, "the native encoder kernels need AVX2+FMA"))
    func nativeGELUMatchesSwift() {
        var random = Generator(state: 3)
        let rows = 5, width = 1539  // a width that is not a multiple of 8
        let input = random.array(rows * width).map { $0 * 6 }
        var native = input, portable = input
        NativeKernels.gelu(&native, count: input.count)
        Kernels.activation(&portable, count: input.count, activation: .gelu)
        // FMA versus separate multiply-add in the erf polynomial: a few ulps apart.
        let worst = zip(native, portable).map { abs($0 - $1) - 4e-7 * abs($1) }.max() ?? .nan
        #expect(worst < 2e-6, "GELU differs by \(worst) beyond 4e-7 relative")
    }

    /// The AVX2 LayerNorm (with and without a bias) against the Swift one, and each row's result
    /// independent of the rows normalised beside it (bit for bit).
    @Test(.enabled(if: NativeKernels.isAvailable, "the native encoder kernels need AVX2+FMA"), arguments: [384, 37, 5])
    func nativeLayerNormMatchesSwift(width: Int) {
        var random = Generator(state: UInt64(width))
        let rows = 7
        let input = random.array(rows * width).map { $0 * 8 + 3 }
        let bias = random.array(width), gamma = random.array(width).map { 1 + $0 / 4 }, beta = random.array(width)
        for withBias in [true, false] {
            var native = input, portable = input
            native.withUnsafeMutableBufferPointer { x in
                bias.withUnsafeBufferPointer { b in
                    NativeKernels.layerNorm(x.baseAddress!, rows: rows, width: width, bias: withBias ? b.baseAddress : nil,
                                            gamma: gamma, beta: beta, epsilon: 1e-12)
                }
            }
            portable.withUnsafeMutableBufferPointer { x in
                if withBias {
                    Kernels.biasLayerNorm(x.baseAddress!, rows: rows, width: width, bias: bias, gamma: gamma, beta: beta, epsilon: 1e-12)
                } else {
                    Kernels.layerNorm(x.baseAddress!, rows: rows, width: width, gamma: gamma, beta: beta, epsilon: 1e-12)
                }
            }
            let worst = zip(native, portable).map { abs($0 - $1) }.max() ?? .nan
            #expect(worst < 2e-6, "width \(width) bias \(withBias): \(worst)")
            for row in [0, 3, 4, 6] {
                var alone = Array(input[(row * width)..<((row + 1) * width)])
                alone.withUnsafeMutableBufferPointer { x in
                    bias.withUnsafeBufferPointer { b in
                        NativeKernels.layerNorm(x.baseAddress!, rows: 1, width: width, bias: withBias ? b.baseAddress : nil,
                                                gamma: gamma, beta: beta, epsilon: 1e-12)
                    }
                }
                #expect(alone.map(\.bitPattern) == native[(row * width)..<((row + 1) * width)].map(\.bitPattern),
                        "row \(row) alone, width \(width) bias \(withBias)")
            }
        }
    }

    @Test(.enabled(if: NativeKernels.isAvailable, "the native encoder kernels need AVX2+FMA"), arguments: [1, 2, 9, 16, 20, 47, 100])
    func nativeAttentionMatchesReference(length: Int) {
        var random = Generator(state: UInt64(100 + length))
        let d = 32, stride = 3 * 64
        let qkv = random.array(length * stride).map { $0 * 3 }
        let scale = 1 / Float(d).squareRoot()
        var out = [Float](repeating: 0, count: length * 64)
        var scratch = [Float](repeating: 0, count: NativeKernels.attentionScratchCount(length: length, headSize: d))
        qkv.withUnsafeBufferPointer { p in
            let q = p.baseAddress! + 8, k = q + 64, v = q + 128
            NativeKernels.attentionHead(length: length, headSize: d, q: q, k: k, v: v, stride: stride,
                                        out: &out, ldo: 64, scale: scale, scratch: &scratch)
        }
        // Reference in Double. Logits reach ±17 here, so float32 rounding of the logits alone moves
        // the probabilities by ~1e-6 relative.
        for i in 0..<length {
            var scores = (0..<length).map { j -> Double in
                (0..<d).reduce(0.0) { $0 + Double(qkv[i * stride + 8 + $1]) * Double(qkv[j * stride + 72 + $1]) } * Double(scale)
            }
            let maximum = scores.max() ?? 0
            scores = scores.map { Foundation.exp($0 - maximum) }
            let sum = scores.reduce(0, +)
            for t in 0..<d {
                let expected = (0..<length).reduce(0.0) { $0 + scores[$1] / sum * Double(qkv[$1 * stride + 136 + t]) }
                #expect(abs(Double(out[i * 64 + t]) - expected) < 5e-6 * max(1, abs(expected)), "row \(i) dim \(t)")
            }
        }
    }
}
