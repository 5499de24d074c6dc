import Foundation
import Testing
@testable import Embeddings

/// The vectorised math kernels against the C library.
@Suite struct KernelTests {
    @Test func erfMatchesTheCLibrary() {
        var worst: Float = 0
        var x: Float = -6
        while x <= 6 {
            let approximated = Kernels.erf(SIMD8(repeating: x))[0]
            worst = max(worst, abs(approximated - Foundation.erf(x)))
            x += 0.001
        }
        #expect(worst < 5e-7, "erf max error \(worst)")
    }

    @Test func expMatchesTheCLibrary() {
        var worst: Float = 0
        var x: Float = -80
        while x <= 80 {
            let approximated = Kernels.exp(SIMD8(repeating: x))[0]
            let exact = Foundation.exp(x)
            worst = max(worst, abs(approximated - exact) / exact)
            x += 0.01
        }
        #expect(worst < 1e-6, "exp max relative error \(worst)")
    }

    @Test func softmaxSumsToOne() {
        var values: [Float] = [1, 2, 3, -1000, 4, 0.5, 0.25, 7, 8, 9, 10]
        values.withUnsafeMutableBufferPointer { Kernels.softmax($0.baseAddress!, $0.count) }
        #expect(abs(values.reduce(0, +) - 1) < 1e-6)
        #expect(values[3] == 0)
        let e = values.map { Double($0) }
        #expect(abs(e[10] / e[9] - M_E) < 1e-4)
    }

    @Test func geluAndLayerNorm() {
        let gelu = Kernels.apply(.gelu, SIMD8<Float>(-3, -1, -0.5, 0, 0.5, 1, 2, 5))
        for (i, x) in [-3, -1, -0.5, 0, 0.5, 1, 2, 5].enumerated() {
            let exact = 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
            #expect(abs(Double(gelu[i]) - exact) < 1e-6)
        }
        var row: [Float] = (0..<20).map { Float($0) }
        let gamma = [Float](repeating: 2, count: 20), beta = [Float](repeating: 1, count: 20)
        row.withUnsafeMutableBufferPointer { Kernels.layerNorm($0.baseAddress!, rows: 1, width: 20, gamma: gamma, beta: beta, epsilon: 1e-12) }
        let mean = row.reduce(0, +) / 20
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20
        #expect(abs(mean - 1) < 1e-5)
        #expect(abs(variance - 4) < 1e-4)
    }

    /// Rows normalised four at a time get exactly the bits of one row at a time (with and without
    /// a bias, at the model's width and at widths with a scalar tail).
    @Test(arguments: [384, 37, 5])
    func groupedLayerNormGivesEachRowsBits(width: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(width)
        func random() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 100_000
        }
        let rows = 7  // one group of four, then three single rows
        let input = (0..<rows * width).map { _ in random() }
        let bias = (0..<width).map { _ in random() }
        let gamma = (0..<width).map { _ in 1 + random() / 10 }
        let beta = (0..<width).map { _ in random() / 10 }
        for withBias in [true, false] {
            var grouped = input
            grouped.withUnsafeMutableBufferPointer { x in
                if withBias {
                    Kernels.biasLayerNorm(x.baseAddress!, rows: rows, width: width, bias: bias, gamma: gamma, beta: beta, epsilon: 1e-12)
                } else {
                    Kernels.layerNorm(x.baseAddress!, rows: rows, width: width, gamma: gamma, beta: beta, epsilon: 1e-12)
                }
            }
            var single = input
            single.withUnsafeMutableBufferPointer { x in
                for r in 0..<rows {
                    let row = x.baseAddress! + r * width
                    if withBias { for i in 0..<width { row[i] += bias[i] } }
                    Kernels.layerNormRow(row, width: width, gamma: gamma, beta: beta, epsilon: 1e-12)
                }
            }
            #expect(grouped.map(\.bitPattern) == single.map(\.bitPattern), "width \(width) bias \(withBias)")
        }
    }
}
