import Foundation
import LodestarSupport
import Testing
@testable import VectorIndex

/// Many tasks search, insert, update and remove on one index at once (also run under
/// ThreadSanitizer by scripts/tsan.sh).
@Suite struct ConcurrencyTests {
    @Test func hammerOneIndexFromManyTasks() async throws {
        var data = TestData(seed: 21)
        let vectors = data.clustered(count: 3000, dimension: 16)
        let index = try HNSWIndex(dimension: 16, metric: .cosine)
        try index.add(ids: (0..<1000).map { UInt64($0) }, vectors: Array(vectors[0..<1000]), threads: 2)
        let flat = vectors
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<3 {
                group.addTask {
                    var random = SeededRandom(seed: UInt64(writer))
                    for step in 0..<150 {
                        let id = UInt64(1000 + writer * 500 + step)
                        switch step % 3 {
                        case 0: try index.add(ids: [id, id + 1000], vectors: [flat[Int(id) % 3000], flat[Int(id + 7) % 3000]], threads: 2)
                        case 1: index.remove(id: UInt64(random.next() % 1000))
                        default: try index.add(id: UInt64(random.next() % 1000), vector: flat[Int(random.next() % 3000)])
                        }
                    }
                }
            }
            for reader in 0..<4 {
                group.addTask {
                    for q in 0..<200 {
                        let hits = try index.search(flat[(reader * 200 + q) % 3000], k: 10,
                                                    filter: q % 5 == 0 ? .predicate { $0 % 2 == 0 } : nil)
                        #expect(hits.count <= 10)
                        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.distance <= $1.distance })
                        #expect(Set(hits.map(\.id)).count == hits.count)
                    }
                }
            }
            try await group.waitForAll()
        }
        // Afterwards the index is consistent: live ids are found by their own vectors (allowing
        // the rare node that heuristic pruning leaves without incoming links in any HNSW).
        var found = 0
        let sample = Array(index.ids.prefix(200))
        for id in sample {
            let vector = try #require(index.vector(for: id))
            if try index.search(vector, k: 5, ef: 100).contains(where: { $0.distance < 1e-5 }) { found += 1 }
        }
        #expect(found >= sample.count - 2, "\(sample.count - found) of \(sample.count) ids not found by their own vector")
        let path = TestData.temporaryPath("after-hammer.hnsw")
        try index.save(to: path)
        #expect(try HNSWIndex.load(from: path).count == index.count)
    }
}
