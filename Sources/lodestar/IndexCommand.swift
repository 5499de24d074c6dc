import ArgumentParser
import Foundation
import VectorIndex

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build and search HNSW index files.",
        subcommands: [Build.self, Search.self])

    enum MetricOption: String, ExpressibleByArgument, CaseIterable {
        case cosine, l2, ip
        var metric: Metric {
            switch self {
            case .cosine: return .cosine
            case .l2: return .l2
            case .ip: return .innerProduct
            }
        }
    }

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build an index from .fvecs vectors (ids are row numbers).")

        @Option(help: "Input vectors (.fvecs).") var vectors: String
        @Option(help: "Distance: cosine, l2 or ip.") var metric: MetricOption
        @Option(name: .customLong("M"), help: "Links per node (level 0 has 2M).") var m: Int = 16
        @Option(name: .customLong("ef-construction"), help: "Candidate list size while inserting.") var efConstruction: Int = 200
        @Option(help: "Insert threads (default: all cores).") var threads: Int?
        @Option(help: "Seed of the level generator.") var seed: UInt64 = 42
        @Option(help: "Index file to write.") var output: String
        @Option(help: "After building, remove this fraction of the vectors at random and insert them again (a churn benchmark).")
        var reinsertFraction: Double = 0

        func validate() throws {
            guard m >= 2 && m <= 256 else { throw ValidationError("--M must be between 2 and 256") }
            guard efConstruction >= 1 else { throw ValidationError("--ef-construction must be at least 1") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
            guard reinsertFraction >= 0 && reinsertFraction <= 1 else { throw ValidationError("--reinsert-fraction must be between 0 and 1") }
        }

        func run() throws {
            let rows = try VectorFiles.readFloatVectors(vectors)
            guard let dimension = rows.first?.count else { throw CLIError("\(vectors) holds no vectors") }
            let index = try HNSWIndex(dimension: dimension, metric: metric.metric,
                                      parameters: .init(M: m, efConstruction: efConstruction, seed: seed), capacity: rows.count)
            let start = DispatchTime.now().uptimeNanoseconds
            try index.add(ids: (0..<UInt64(rows.count)).map { $0 }, vectors: rows,
                          threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            var churn = ""
            if reinsertFraction > 0 {
                var generator = SystemRandomNumberGenerator()
                let chosen = Array((0..<UInt64(rows.count)).shuffled(using: &generator).prefix(Int(Double(rows.count) * reinsertFraction)))
                let churnStart = DispatchTime.now().uptimeNanoseconds
                index.remove(ids: chosen)
                try index.add(ids: chosen, vectors: chosen.map { rows[Int($0)] },
                              threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
                churn = String(format: " reinserted=%d churn_seconds=%.3f", chosen.count,
                               Double(DispatchTime.now().uptimeNanoseconds - churnStart) / 1e9)
            }
            try index.save(to: output)
            FileHandle.standardError.write(Data(String(format: "vectors=%d dimension=%d build_seconds=%.3f bytes_per_vector_level0=%d%@\n",
                                                       rows.count, dimension, seconds, index.bytesPerVectorAtLevel0, churn).utf8))
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search an index with .fvecs queries; results as .ivecs.")

        @Option(help: "Index file.") var index: String
        @Option(help: "Query vectors (.fvecs).") var queries: String
        @Option(help: "Neighbours per query.") var k: Int = 10
        @Option(help: "Candidate list size (default: the index's efSearch).") var ef: Int?
        @Option(help: "Result ids (.ivecs), one row per query (default: standard output).") var output: String?
        @Option(help: "Search threads (default: 1).") var threads: Int = 1
        @Flag(help: "Answer exactly (brute force over the same vectors).") var exact = false
        @Option(help: "Only return these ids (a text file, one id a line).") var allowedIds: String?
        @Option(help: "Filters matching at most this many ids are answered by an exact scan (default: measured crossover √(11·ef·n)).")
        var exactScanLimit: Int?

        func validate() throws {
            guard k >= 1 else { throw ValidationError("--k must be at least 1") }
            if let ef, ef < 1 { throw ValidationError("--ef must be at least 1") }
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        }

        func run() throws {
            let loaded = try HNSWIndex.load(from: index)
            let rows = try VectorFiles.readFloatVectors(queries)
            for row in rows where row.count != loaded.dimension {
                throw CLIError("queries have dimension \(row.count), the index has \(loaded.dimension)")
            }
            var filter: SearchFilter?
            if let allowedIds {
                guard let data = readFile(allowedIds), let text = String(data: data, encoding: .utf8) else {
                    throw CLIError("cannot read allowed ids: \(allowedIds)")
                }
                var ids = Set<UInt64>()
                for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                    let field = line.trimmingCharacters(in: .whitespaces)
                    if field.isEmpty { continue }
                    guard let id = UInt64(field) else {
                        throw CLIError("\(allowedIds):\(number + 1): not an id: \(line)")
                    }
                    ids.insert(id)
                }
                filter = .allowed(ids)
            }
            let allowed = filter
            let results = ResultRows(count: rows.count)
            let start = DispatchTime.now().uptimeNanoseconds
            let failure = FirstError()
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                var i = part
                while i < rows.count {
                    do {
                        let hits = exact
                            ? try loaded.exactSearch(rows[i], k: k, filter: allowed)
                            : try loaded.search(rows[i], k: k, ef: ef, filter: allowed, exactScanLimit: exactScanLimit)
                        results.set(i, hits.map { Int32(truncatingIfNeeded: $0.id) })
                    } catch {
                        failure.record(error)
                    }
                    i += threads
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if let error = failure.error { throw error }
            let data = VectorFiles.encodeIntVectors(results.values())
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: data) else { throw CLIError("cannot write \(output)") }
            } else {
                FileHandle.standardOutput.write(data)
            }
            FileHandle.standardError.write(Data(String(format: "queries=%d seconds=%.4f qps=%.1f\n",
                                                       rows.count, seconds, Double(rows.count) / max(seconds, 1e-9)).utf8))
        }
    }
}

/// Per-query result rows filled by worker threads. Guarded by a lock.
final class ResultRows: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [[Int32]]
    init(count: Int) { rows = Array(repeating: [], count: count) }
    func set(_ index: Int, _ row: [Int32]) { lock.withLock { rows[index] = row } }
    func values() -> [[Int32]] { lock.withLock { rows } }
}

/// The first error raised by any worker. Guarded by a lock.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    func record(_ error: Error) { lock.withLock { if stored == nil { stored = error } } }
    var error: Error? { lock.withLock { stored } }
}
