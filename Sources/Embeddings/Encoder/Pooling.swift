/// sentence-transformers' Pooling and Normalize modules over one sequence's token embeddings.
enum Pooling {
    /// Pools `length` rows of `hiddenSize` floats starting at `tokens` (every row is a real token:
    /// batches are packed, so there is no padding to mask).
    static func pool(_ tokens: UnsafePointer<Float>, length: Int, hiddenSize h: Int, configuration c: ModelConfiguration) -> [Float] {
        var output: [Float] = []
        output.reserveCapacity(c.dimension)
        var sum: [Float]?  // shared by mean and mean-sqrt-len
        func tokenSum() -> [Float] {
            if let sum { return sum }
            var total = [Float](repeating: 0, count: h)
            total.withUnsafeMutableBufferPointer { total in
                for t in 0..<length {
                    let row = tokens + t * h
                    for d in 0..<h { total[d] += row[d] }
                }
            }
            sum = total
            return total
        }
        // sentence-transformers clamps the token count at 1e-9: an empty sequence pools to zeros.
        let count = Float(max(length, 1))
        for mode in c.pooling.modes {
            switch mode {
            case .cls:
                output.append(contentsOf: length > 0 ? Array(UnsafeBufferPointer(start: tokens, count: h)) : Array(repeating: 0, count: h))
            case .lastToken:
                output.append(contentsOf: length > 0 ? Array(UnsafeBufferPointer(start: tokens + (length - 1) * h, count: h))
                                                     : Array(repeating: 0, count: h))
            case .max:
                var maximum = [Float](repeating: length > 0 ? -.infinity : 0, count: h)
                for t in 0..<length {
                    let row = tokens + t * h
                    for d in 0..<h where row[d] > maximum[d] { maximum[d] = row[d] }
                }
                output.append(contentsOf: maximum)
            case .mean:
                output.append(contentsOf: tokenSum().map { $0 / count })
            case .meanSqrtLength:
                let root = count.squareRoot()
                output.append(contentsOf: tokenSum().map { $0 / root })
            case .weightedMean:
                // weights 1, 2, 3, ... by position; divided by their sum
                var weighted = [Float](repeating: 0, count: h)
                for t in 0..<length {
                    let row = tokens + t * h
                    let weight = Float(t + 1)
                    for d in 0..<h { weighted[d] += weight * row[d] }
                }
                let total = max(Float(length * (length + 1) / 2), 1e-9)
                output.append(contentsOf: weighted.map { $0 / total })
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
