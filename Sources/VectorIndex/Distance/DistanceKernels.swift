import CKernels

/// Distance functions over raw vectors (CKernels' AVX2+FMA kernels when the CPU has them).
///
/// Unchecked in release: both pointers address `dimension` floats.
enum DistanceKernels {
    /// Whether the AVX2+FMA kernels run on this CPU (checked once).
    static let vectorized = lodestar_distance_avx2_available() != 0

    @inline(__always)
    static func distance(_ metric: Metric, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dimension: Int) -> Float {
        switch metric {
        case .l2: return squaredEuclidean(a, b, dimension)
        case .cosine, .innerProduct: return 1 - dot(a, b, dimension)
        }
    }

    /// Squared Euclidean distance, whatever the index's metric.
    @inline(__always)
    static func squaredEuclidean(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dimension: Int) -> Float {
        vectorized ? lodestar_l2sq_avx2(a, b, dimension) : lodestar_l2sq_portable(a, b, dimension)
    }

    /// Dot product `a·b`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dimension: Int) -> Float {
        vectorized ? lodestar_dot_avx2(a, b, dimension) : lodestar_dot_portable(a, b, dimension)
    }

    @inline(__always)
    static func prefetch(_ pointer: UnsafeRawPointer) {
        lodestar_prefetch(pointer)
    }

    /// Validates a vector for `metric` and returns the stored form (normalised for cosine).
    static func prepare(_ vector: [Float], dimension: Int, metric: Metric) throws(VectorIndexError) -> [Float] {
        guard vector.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: vector.count) }
        var squares: Double = 0
        for value in vector {
            guard value.isFinite else { throw .invalidVector("contains NaN or infinity") }
            squares += Double(value) * Double(value)
        }
        guard metric == .cosine else { return vector }
        guard squares > 0 else { throw .invalidVector("a zero vector has no direction (cosine metric)") }
        let inverse = Float(1 / squares.squareRoot())
        return vector.map { $0 * inverse }
    }
}
