import Benchmark
import Embeddings
import Foundation

/// Engine benchmarks on the standard corpus (`../shared/data/wordnet-glosses.txt`, first lines):
/// batch throughput, single-text latency and tokenizer speed. The side-by-side comparison with the
/// Python anchors is `Benchmarks/embed_compare.sh`.
let benchmarks: @Sendable () -> Void = {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let corpus = root.deletingLastPathComponent().appendingPathComponent("shared/data/wordnet-glosses.txt").path
    guard let text = try? String(contentsOfFile: corpus, encoding: .utf8) else {
        fatalError("benchmark corpus not found at \(corpus)")
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(1024).map(String.init)
    let directory = ModelLocator.resolve(root.appendingPathComponent("models/all-MiniLM-L6-v2").path)
    guard let encoder = try? SentenceEncoder(directory: directory, threads: 2) else {
        fatalError("model not found at \(directory): run bash models/fetch.sh")
    }
    let tokens = lines.reduce(0) { $0 + encoder.tokenize($1).count }

    Benchmark("embed 1024 glosses, batch 32, 2 threads",
              configuration: .init(metrics: [.wallClock, .throughput, .peakMemoryResident], scalingFactor: .one,
                                   maxDuration: .seconds(30), maxIterations: 5)) { benchmark in
        benchmark.startMeasurement()
        blackHole(encoder.embed(lines, batchSize: 32))
        benchmark.stopMeasurement()
        print("tokens per iteration: \(tokens)")
    }

    Benchmark("embed one text (latency), 2 threads",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 300)) { benchmark in
        for line in lines.prefix(benchmark.scaledIterations.count) {
            blackHole(encoder.embed(line))
        }
    }

    Benchmark("tokenize 1024 glosses",
              configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(10), maxIterations: 50)) { _ in
        for line in lines { blackHole(encoder.tokenize(line)) }
    }
}
