import Foundation

/// Element-wise and row-wise kernels of the encoder (everything that is not a GEMM).
///
/// Unchecked in release: every pointer addresses at least `rows × width` floats (or the counts
/// named); the asserts state these preconditions for debug builds.
enum Kernels {
    typealias Vector = SIMD8<Float>
    static let lanes = Vector.scalarCount

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// Dot product of two `count`-float vectors.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = Vector(), acc1 = Vector()
        var i = 0
        while i + 2 * lanes <= count {
            acc0 += load(a + i) * load(b + i)
            acc1 += load(a + i + lanes) * load(b + i + lanes)
            i += 2 * lanes
        }
        while i + lanes <= count {
            acc0 += load(a + i) * load(b + i)
            i += lanes
        }
        var sum = (acc0 + acc1).sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// `y += alpha · x` over `count` floats.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let a = Vector(repeating: alpha)
        var i = 0
        while i + lanes <= count {
            store(load(y + i) + a * load(x + i), y + i)
            i += lanes
        }
        while i < count {
            y[i] += alpha * x[i]
            i += 1
        }
    }

    /// `x = LayerNorm(x + bias) · gamma + beta`, row by row, in place.
    static func biasLayerNorm(_ data: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>,
                              gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        normalizeRows(data, rows: rows, width: width, bias: bias, gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// LayerNorm of each row in place.
    static func layerNorm(_ data: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        normalizeRows(data, rows: rows, width: width, bias: nil, gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// Adds the bias (if any), then LayerNorm, four rows at a time: each row's arithmetic is
    /// `layerNormRow`'s, in the same order, but the four rows' sums are independent chains the
    /// core runs side by side (one row alone waits on each addition; in the throughput job on this
    /// path, SSE code, its share went from 1.67% to 1.48%; the AVX2 C kernel is used where available).
    private static func normalizeRows(_ data: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>?,
                                      gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        var r = 0
        while r + 4 <= rows {
            let x0 = data + r * width, x1 = x0 + width, x2 = x1 + width, x3 = x2 + width
            // Mean (the bias added on the way).
            var a0 = Vector(), a1 = Vector(), a2 = Vector(), a3 = Vector()
            var i = 0
            if let bias {
                while i + lanes <= width {
                    let b = load(bias + i)
                    let v0 = load(x0 + i) + b, v1 = load(x1 + i) + b, v2 = load(x2 + i) + b, v3 = load(x3 + i) + b
                    store(v0, x0 + i); store(v1, x1 + i); store(v2, x2 + i); store(v3, x3 + i)
                    a0 += v0; a1 += v1; a2 += v2; a3 += v3
                    i += lanes
                }
                for t in i..<width {
                    x0[t] += bias[t]; x1[t] += bias[t]; x2[t] += bias[t]; x3[t] += bias[t]
                }
            } else {
                while i + lanes <= width {
                    a0 += load(x0 + i); a1 += load(x1 + i); a2 += load(x2 + i); a3 += load(x3 + i)
                    i += lanes
                }
            }
            var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
            for t in i..<width { s0 += x0[t]; s1 += x1[t]; s2 += x2[t]; s3 += x3[t] }
            let n = Float(width)
            let m0 = s0 / n, m1 = s1 / n, m2 = s2 / n, m3 = s3 / n
            let mv0 = Vector(repeating: m0), mv1 = Vector(repeating: m1), mv2 = Vector(repeating: m2), mv3 = Vector(repeating: m3)
            // Variance.
            a0 = Vector(); a1 = Vector(); a2 = Vector(); a3 = Vector()
            i = 0
            while i + lanes <= width {
                let d0 = load(x0 + i) - mv0, d1 = load(x1 + i) - mv1, d2 = load(x2 + i) - mv2, d3 = load(x3 + i) - mv3
                a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3
                i += lanes
            }
            var q0 = a0.sum(), q1 = a1.sum(), q2 = a2.sum(), q3 = a3.sum()
            for t in i..<width {
                let d0 = x0[t] - m0, d1 = x1[t] - m1, d2 = x2[t] - m2, d3 = x3[t] - m3
                q0 += d0 * d0; q1 += d1 * d1; q2 += d2 * d2; q3 += d3 * d3
            }
            scaleRow(x0, width: width, mean: m0, variance: q0 / n, gamma: gamma, beta: beta, epsilon: epsilon)
            scaleRow(x1, width: width, mean: m1, variance: q1 / n, gamma: gamma, beta: beta, epsilon: epsilon)
            scaleRow(x2, width: width, mean: m2, variance: q2 / n, gamma: gamma, beta: beta, epsilon: epsilon)
            scaleRow(x3, width: width, mean: m3, variance: q3 / n, gamma: gamma, beta: beta, epsilon: epsilon)
            r += 4
        }
        while r < rows {
            let x = data + r * width
            if let bias {
                var i = 0
                while i + lanes <= width {
                    store(load(x + i) + load(bias + i), x + i)
                    i += lanes
                }
                while i < width {
                    x[i] += bias[i]
                    i += 1
                }
            }
            layerNormRow(x, width: width, gamma: gamma, beta: beta, epsilon: epsilon)
            r += 1
        }
    }

    /// Two-pass mean and (biased) variance, as PyTorch's `layer_norm`.
    @inline(__always)
    static func layerNormRow(_ x: UnsafeMutablePointer<Float>, width: Int,
                             gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        var acc = Vector()
        var i = 0
        while i + lanes <= width { acc += load(x + i); i += lanes }
        var sum = acc.sum()
        while i < width { sum += x[i]; i += 1 }
        let mean = sum / Float(width)
        let meanVector = Vector(repeating: mean)
        acc = Vector()
        i = 0
        while i + lanes <= width {
            let d = load(x + i) - meanVector
            acc += d * d
            i += lanes
        }
        var squares = acc.sum()
        while i < width { let d = x[i] - mean; squares += d * d; i += 1 }
        scaleRow(x, width: width, mean: mean, variance: squares / Float(width), gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// `x = (x - mean) / sqrt(variance + epsilon) · gamma + beta`.
    @inline(__always)
    static func scaleRow(_ x: UnsafeMutablePointer<Float>, width: Int, mean: Float, variance: Float,
                         gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        let meanVector = Vector(repeating: mean)
        let scale = 1 / (variance + epsilon).squareRoot()
        let scaleVector = Vector(repeating: scale)
        var i = 0
        while i + lanes <= width {
            let normalized = (load(x + i) - meanVector) * scaleVector
            store(normalized * load(gamma + i) + load(beta + i), x + i)
            i += lanes
        }
        while i < width {
            x[i] = (x[i] - mean) * scale * gamma[i] + beta[i]
            i += 1
        }
    }

    /// `data = activation(data)` over `count` floats.
    static func activation(_ data: UnsafeMutablePointer<Float>, count: Int, activation: ModelConfiguration.Activation) {
        var i = 0
        while i + lanes <= count {
            store(apply(activation, load(data + i)), data + i)
            i += lanes
        }
        while i < count {
            data[i] = apply(activation, Vector(repeating: data[i]))[0]
            i += 1
        }
    }

    @inline(__always)
    static func apply(_ activation: ModelConfiguration.Activation, _ x: Vector) -> Vector {
        switch activation {
        case .gelu:
            // 0.5 · x · (1 + erf(x / √2))
            return 0.5 * x * (1 + erf(x * Float(0.70710678118654752440)))
        case .geluTanh:
            // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 x³)))
            let inner = Float(0.7978845608028654) * (x + Float(0.044715) * x * x * x)
            return 0.5 * x * (1 + tanh(inner))
        case .relu:
            return x.replacing(with: 0, where: x .< 0)
        }
    }

    /// `erf` for a vector: a rational minimax approximation on [-4, 4] (outside, erf = ±1 in
    /// float). Maximum error about 2 ulp against the exact function (checked in the tests).
    @inline(__always)
    static func erf(_ input: Vector) -> Vector {
        let x = clamp(input, -4, 4)
        let x2 = x * x
        var p = Vector(repeating: -2.72614225801306e-10)
        p = x2 * p + 2.77068142495902e-08
        p = x2 * p + -2.10102402082508e-06
        p = x2 * p + -5.69250639462346e-05
        p = x2 * p + -7.34990630326855e-04
        p = x2 * p + -2.95459980854025e-03
        p = x2 * p + -1.60960333262415e-02
        p = x * p
        var q = Vector(repeating: -1.45660718464996e-05)
        q = x2 * q + -2.13374055278905e-04
        q = x2 * q + -1.68282697438203e-03
        q = x2 * q + -7.37332916720468e-03
        q = x2 * q + -1.42647390514189e-02
        return p / q
    }

    /// Lane-wise clamp (written with compare-and-select, which lowers to min/max instructions).
    @inline(__always)
    static func clamp(_ x: Vector, _ low: Float, _ high: Float) -> Vector {
        let lower = Vector(repeating: low), upper = Vector(repeating: high)
        return x.replacing(with: lower, where: x .< lower).replacing(with: upper, where: x .> upper)
    }

    /// `tanh` for a vector via `1 - 2 / (exp(2x) + 1)`.
    @inline(__always)
    static func tanh(_ x: Vector) -> Vector {
        let clamped = clamp(x, -15, 15)
        return 1 - 2 / (exp(2 * clamped) + 1)
    }

    /// `exp` for a vector: range reduction by ln 2 and a degree-6 polynomial (about 1 ulp); results
    /// below the smallest normal float are flushed to the smallest normal, and inputs below the
    /// subnormal range give 0.
    @inline(__always)
    static func exp(_ input: Vector) -> Vector {
        let x = clamp(input, -87.3, 88.3)
        // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick (|x·log2 e| < 2²²).
        let magic = Vector(repeating: 12_582_912)
        let shifted = x * Float(1.44269504088896341) + magic
        let k = shifted - magic
        let r = (x - k * Float(0.693359375)) - k * Float(-2.12194440e-4)
        var p = Vector(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        // Scale by 2^k through the exponent bits.
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let bits = (integer &+ 127) &<< 23
        let result = p * unsafeBitCast(bits, to: Vector.self)
        // Below the float range exp underflows to 0 (as the C library's does).
        return result.replacing(with: 0, where: input .< Vector(repeating: -103.9))
    }

    /// Softmax of `count` floats in place.
    @inline(__always)
    static func softmax(_ x: UnsafeMutablePointer<Float>, _ count: Int) {
        var maximum = -Float.infinity
        for i in 0..<count where x[i] > maximum { maximum = x[i] }
        let m = Vector(repeating: maximum)
        var acc = Vector()
        var i = 0
        while i + lanes <= count {
            let e = exp(load(x + i) - m)
            store(e, x + i)
            acc += e
            i += lanes
        }
        var sum = acc.sum()
        while i < count {
            let e = exp(Vector(repeating: x[i] - maximum))[0]
            x[i] = e
            sum += e
            i += 1
        }
        let inverse = 1 / sum
        for j in 0..<count { x[j] *= inverse }
    }
}
