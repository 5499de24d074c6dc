/// sentence-transformers' Pooling and Normalize modules over one sequence's token embeddings.
enum Pooling {
    /// Pools `length` rows of `hiddenSize` floats starting at `tokens` (every row is a real token:
    /// batches are packed, so there is no padding to mask).
    static func pool(_ tokens: UnsafePointer<Float>, length: Int, hiddenSize h: Int, configuration c: ModelConfiguration) -> [Float] {
        var output: [Float] = []
        output.reserveCapacity(c.dimension)
        let count = max(length, 1)
        if c.pooling.cls {
            output.append(contentsOf: UnsafeBufferPointer(start: tokens, count: length > 0 ? h : 0))
            if length == 0 { output.append(contentsOf: repeatElement(0, count: h)) }
        }
        if c.pooling.max {
            var maximum = [Float](repeating: length > 0 ? -.infinity : 0, count: h)
            for t in 0..<length {
                let row = tokens + t * h
                for d in 0..<h where row[d] > maximum[d] { maximum[d] = row[d] }
            }
            output.append(contentsOf: maximum)
        }
        if c.pooling.mean || c.pooling.meanSqrtLength {
            var sum = [Float](repeating: 0, count: h)
            sum.withUnsafeMutableBufferPointer { sum in
                for t in 0..<length {
                    let row = tokens + t * h
                    for d in 0..<h { sum[d] += row[d] }
                }
            }
            if c.pooling.mean {
                let n = Float(count)
                output.append(contentsOf: sum.map { $0 / n })
            }
            if c.pooling.meanSqrtLength {
                let root = Float(count).squareRoot()
                output.append(contentsOf: sum.map { $0 / root })
            }
        }
        if c.normalize { normalize(&output) }
        return output
    }

    /// `x / max(‖x‖₂, 1e-12)`, as `torch.nn.functional.normalize`.
    static func normalize(_ vector: inout [Float]) {
        var squares: Float = 0
        for value in vector { squares += value * value }
        let norm = max(squares.squareRoot(), 1e-12)
        for i in vector.indices { vector[i] /= norm }
    }
}
