import FuzzSupport
import Foundation
import Testing
@testable import VectorIndex

/// Seeded mutation fuzzing of the index loader, bounded in time: every damaged file is a typed
/// error, or (when a mutation leaves it consistent) an index that searches, grows and shrinks.
@Suite struct IndexFuzzTests {
    @Test func loaderNeverCrashes() throws {
        var seeds: [[UInt8]] = []
        let shapes: [(Int, Int, Metric)] = [(30, 4, .cosine), (12, 3, .l2), (0, 5, .innerProduct)]
        for (count, dimension, metric) in shapes {
            let (index, _) = try PersistenceTests.sample(count: max(count, 1), dimension: dimension, metric: metric)
            if count == 0 { index.remove(ids: (0..<10).map { $0 * 3 + 1 }) }
            let path = TestData.temporaryPath("seed.hnsw")
            try index.save(to: path)
            seeds.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        let path = TestData.temporaryPath("fuzz.hnsw")
        var mutator = Mutator(seed: 0x5EED_0201, seeds: seeds)
        var loaded = 0
        let ran = try mutator.run(seconds: 3) { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let index: HNSWIndex
            do {
                index = try HNSWIndex.load(from: path)
            } catch {
                return  // typed: VectorIndexError
            }
            loaded += 1
            let query = (0..<index.dimension).map { Float($0) - 1.5 }
            let hits = try index.search(query, k: 5)
            #expect(hits.count <= min(5, index.count))
            #expect(hits.allSatisfy { index.contains($0.id) })
            try index.add(id: 1_000_003, vector: query.map { $0 + 0.25 })
            index.remove(ids: [1_000_003])
        }
        #expect(ran > 200, "\(ran) inputs, \(loaded) loaded")
    }
}
