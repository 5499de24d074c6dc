import Foundation
import LodestarSupport
import Testing
@testable import VectorIndex

@Suite struct HNSWMutationTests {
    @Test func updateRelinksAnExistingID() throws {
        var data = TestData(seed: 11)
        let vectors = data.clustered(count: 2000, dimension: 32)
        let index = try HNSWIndex(dimension: 32, metric: .l2)
        try index.add(ids: (0..<2000).map { UInt64($0) }, vectors: vectors)
        let target = vectors[1999]
        try index.add(id: 5, vector: target)  // move id 5 onto point 1999
        #expect(index.count == 2000)
        let hits = try index.search(target, k: 2)
        #expect(Set(hits.map(\.id)) == [5, 1999])
        #expect(index.vector(for: 5) == target)
    }

    /// Updating every id in turn also updates the entry point (the node on the top level): it is
    /// re-linked from the highest other node. (It used to start from any other node, often one
    /// without upper levels, and crash on its missing upper links.)
    @Test func updatingEveryIDIncludingTheEntryPoint() throws {
        var data = TestData(seed: 15)
        let vectors = data.clustered(count: 600, dimension: 8)
        let moved = data.clustered(count: 600, dimension: 8)
        for threads in [1, 2] {
            let (index, flat) = try HNSWRecallTests.build(vectors, metric: .l2, threads: threads)
            for id in 0..<600 {
                try index.add(ids: [UInt64(id)], vectors: [moved[id]], threads: threads)
                try flat.add(id: UInt64(id), vector: moved[id])
            }
            #expect(index.count == 600)
            let queries = data.clustered(count: 50, dimension: 8)
            let recall = TestData.recall(try queries.map { try index.search($0, k: 10, ef: 100) }, try queries.map { try flat.search($0, k: 10) })
            #expect(recall >= 0.95, "recall after updating every id (\(threads) threads): \(recall)")
            // and in batches that mix updates, new ids and removals
            #expect(index.remove(ids: (0..<100).map { UInt64($0) }) == 100)
            try index.add(ids: (50..<700).map { UInt64($0) }, vectors: (50..<700).map { vectors[$0 % 600] }, threads: threads)
            #expect(index.count == 650)
        }
    }

    @Test func removedIDsNeverAppearAndSlotsAreReused() throws {
        var data = TestData(seed: 12)
        let vectors = data.clustered(count: 1000, dimension: 16)
        let index = try HNSWIndex(dimension: 16, metric: .l2)
        try index.add(ids: (0..<1000).map { UInt64($0) }, vectors: vectors)
        #expect(index.remove(id: 10))
        #expect(!index.remove(id: 10))
        #expect(index.count == 999)
        let hits = try index.search(vectors[10], k: 20, ef: 100)
        #expect(!hits.contains { $0.id == 10 })
        #expect(hits.count == 20)
        let slots = index.slotCount
        try index.add(id: 5000, vector: vectors[10])
        #expect(index.slotCount == slots)  // the tombstone's slot was reused
        #expect(try index.search(vectors[10], k: 1).first?.id == 5000)
    }

    @Test func recallHoldsAfterRemovingAndReinsertingThirtyPercent() throws {
        var data = TestData(seed: 13)
        let vectors = data.clustered(count: 5000, dimension: 48)
        let queries = data.clustered(count: 100, dimension: 48)
        let (index, flat) = try HNSWRecallTests.build(vectors, metric: .cosine)
        let ids = (0..<UInt64(5000)).map { $0 }
        let before = TestData.recall(try queries.map { try index.search($0, k: 10, ef: 200) }, try queries.map { try flat.search($0, k: 10) })
        var random = SeededRandom(seed: 3)
        let removed = Array(ids.shuffled(using: &random).prefix(1500))
        #expect(index.remove(ids: removed) == 1500)
        for id in removed { flat.remove(id: id) }
        let truthAfterRemoval = try queries.map { try flat.search($0, k: 10) }
        let afterRemoval = TestData.recall(try queries.map { try index.search($0, k: 10, ef: 200) }, truthAfterRemoval)
        #expect(afterRemoval >= 0.97, "recall after removing 30%: \(afterRemoval)")
        try index.add(ids: removed, vectors: removed.map { vectors[Int($0)] })
        try flat.add(ids: removed, vectors: removed.map { vectors[Int($0)] })
        #expect(index.count == 5000)
        let truth = try queries.map { try flat.search($0, k: 10) }
        let recall = TestData.recall(try queries.map { try index.search($0, k: 10, ef: 200) }, truth)
        #expect(recall >= 0.97, "recall after re-inserting: \(recall)")
        print("remove/reinsert 30% (ef 200): recall@10 before \(before), after removal \(afterRemoval), after re-insert \(recall)")
    }

    @Test func filteredSearchRecallAtEverySelectivity() throws {
        var data = TestData(seed: 14)
        let vectors = data.clustered(count: 6000, dimension: 32)
        let queries = data.clustered(count: 50, dimension: 32)
        let (index, flat) = try HNSWRecallTests.build(vectors, metric: .cosine)
        let ids = (0..<UInt64(6000)).map { $0 }
        for modulus in [1, 2, 5, 20, 100, 1000, 3000, 10000] {
            let predicate = SearchFilter.predicate { $0 % UInt64(modulus) == 0 }
            let allowed = SearchFilter.allowed(Set(ids.filter { $0 % UInt64(modulus) == 0 }))
            let matching = ids.filter { $0 % UInt64(modulus) == 0 }.count
            for filter in [predicate, allowed] {
                let truth = try queries.map { try flat.search($0, k: 10, filter: filter) }
                let found = try queries.map { try index.search($0, k: 10, ef: 200, filter: filter) }
                let recall = TestData.recall(found, truth)
                #expect(recall >= 0.99, "filtered recall \(recall) with 1/\(modulus) matching")
                for hits in found {
                    #expect(hits.count == min(10, matching))
                    #expect(hits.allSatisfy { $0.id % UInt64(modulus) == 0 })
                }
            }
        }
        let none = try index.search(queries[0], k: 10, filter: .allowed([]))
        #expect(none.isEmpty)
    }

    @Test func repairKeepsRecallAfterManyDeletes() throws {
        var data = TestData(seed: 15)
        let vectors = data.clustered(count: 4000, dimension: 24)
        let queries = data.clustered(count: 100, dimension: 24)
        let (index, flat) = try HNSWRecallTests.build(vectors, metric: .l2)
        let ids = (0..<UInt64(4000)).map { $0 }
        let removed = ids.filter { $0 % 2 == 0 }
        index.remove(ids: removed)
        for id in removed { flat.remove(id: id) }
        #expect(index.pendingTombstones == 0)  // past the threshold, the graph was repaired
        let truth = try queries.map { try flat.search($0, k: 10) }
        let recall = TestData.recall(try queries.map { try index.search($0, k: 10, ef: 200) }, truth)
        #expect(recall >= 0.97, "recall after deleting half: \(recall)")
    }
}
