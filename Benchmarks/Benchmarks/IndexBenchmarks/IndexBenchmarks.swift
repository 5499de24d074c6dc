import Benchmark
import VectorIndex

/// HNSW benchmarks on synthetic clustered vectors (d=384, cosine, M=16, efConstruction=200):
/// parallel build, single-thread search at ef 32 and 64, filtered search. The comparison with
/// hnswlib on real embeddings is `Benchmarks/ann_compare.py`.
let benchmarks: @Sendable () -> Void = {
    var state: UInt64 = 12345
    func uniform() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24) * 2 - 1
    }
    let dimension = 384, count = 20_000
    let centres = (0..<64).map { _ in (0..<dimension).map { _ in uniform() } }
    let vectors = (0..<count).map { i in centres[i % 64].map { $0 + 0.3 * uniform() } }
    let queries = (0..<200).map { i in centres[(i * 7) % 64].map { $0 + 0.3 * uniform() } }
    let ids = (0..<UInt64(count)).map { $0 }
    guard let index = try? HNSWIndex(dimension: dimension, metric: .cosine), (try? index.add(ids: ids, vectors: vectors, threads: 2)) != nil else {
        fatalError("index build failed")
    }

    Benchmark("HNSW build 5,000 x 384, 2 threads",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(30), maxIterations: 3)) { benchmark in
        let fresh = try HNSWIndex(dimension: dimension, metric: .cosine)
        benchmark.startMeasurement()
        try fresh.add(ids: Array(ids.prefix(5000)), vectors: Array(vectors.prefix(5000)), threads: 2)
        benchmark.stopMeasurement()
    }

    for ef in [32, 64] {
        Benchmark("HNSW search 200 queries, ef \(ef), 1 thread",
                  configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(10), maxIterations: 50)) { _ in
            for query in queries { blackHole(try index.search(query, k: 10, ef: ef)) }
        }
    }

    Benchmark("HNSW filtered search (1 in 10 allowed), ef 64",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 50)) { _ in
        for query in queries { blackHole(try index.search(query, k: 10, ef: 64, filter: .predicate { $0 % 10 == 0 })) }
    }
}
