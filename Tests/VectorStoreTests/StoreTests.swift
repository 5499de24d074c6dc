import Foundation
import Testing
import VectorIndex
@testable import VectorStore

@Suite struct StoreTests {
    @Test func collectionLifecycle() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store(directory: dir.path, embedder: HashingEmbedder())
        let (info, created) = try store.createCollection(CollectionSpec(name: "notes", metadata: ["topic": .string("x"), "w": .double(1)], metric: .l2))
        #expect(created && info.metric == .l2 && info.hnsw.efSearch >= 64 && info.embeddingModel == "hashing-test")
        #expect(throws: StoreError.collectionExists("notes")) { try store.createCollection(CollectionSpec(name: "notes")) }
        let again = try store.createCollection(CollectionSpec(name: "notes", metric: .cosine), getOrCreate: true)
        #expect(!again.created && again.info.id == info.id && again.info.metric == .l2)
        #expect(try store.collection(named: "notes").metadata == ["topic": .string("x"), "w": .double(1)])
        _ = try store.createCollection(CollectionSpec(name: "a.b-c_1"))
        #expect(store.listCollections().map(\.name) == ["a.b-c_1", "notes"])
        for bad in ["", "-x", "x-", "has space", "ü", String(repeating: "a", count: 513)] {
            #expect(throws: StoreError.self) { try store.createCollection(CollectionSpec(name: bad)) }
        }
        #expect(throws: StoreError.self) { try store.createCollection(CollectionSpec(name: "h", hnsw: HNSWSettings(M: 1))) }
        try await store.deleteCollection(named: "notes")
        #expect(throws: StoreError.collectionNotFound("notes")) { try store.collection(named: "notes") }
        await #expect(throws: StoreError.self) { try await store.deleteCollection(named: "notes") }
    }

    @Test func addUpdateUpsertDeleteFollowChroma() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let embedder = HashingEmbedder()
        let store = try Store(directory: dir.path, embedder: embedder)
        _ = try store.createCollection(CollectionSpec(name: "c"))
        let first = try await store.add("c", RecordBatch(ids: ["a", "b"], documents: ["red apple", "green pear"],
                                                         metadatas: [["n": .int(1), "tag": .string("fruit")], nil]))
        #expect(first.inserted == 2 && first.ignoredIDs.isEmpty)
        #expect(embedder.embeddedTexts == 2)
        // add of an existing id leaves it alone and does not embed it
        let second = try await store.add("c", RecordBatch(ids: ["a", "c"], documents: ["other", "blue plum"]))
        #expect(second.inserted == 1 && second.ignoredIDs == ["a"] && embedder.embeddedTexts == 3)
        var got = try store.get("c", GetRequest(ids: ["a"], include: [.documents, .metadatas, .embeddings]))
        #expect(got.documents == ["red apple"] && got.metadatas == [["n": .int(1), "tag": .string("fruit")]])
        #expect(got.embeddings == [HashingEmbedder.vector("red apple")])
        // update merges metadata (nil removes a key), re-embeds a new document, ignores absent ids
        let updated = try await store.update("c", RecordBatch(ids: ["a", "zz"], documents: ["yellow banana", "x"],
                                                              metadatas: [["tag": nil, "m": .double(2)], nil]))
        #expect(updated.updated == 1 && updated.ignoredIDs == ["zz"])
        got = try store.get("c", GetRequest(ids: ["a"], include: [.documents, .metadatas, .embeddings]))
        #expect(got.documents == ["yellow banana"] && got.metadatas == [["n": .int(1), "m": .double(2)]])
        #expect(got.embeddings == [HashingEmbedder.vector("yellow banana")])
        // update of metadata alone keeps document and embedding
        _ = try await store.update("c", RecordBatch(ids: ["b"], metadatas: [["k": .bool(true)]]))
        got = try store.get("c", GetRequest(ids: ["b"], include: [.documents, .metadatas, .embeddings]))
        #expect(got.documents == ["green pear"] && got.metadatas == [["k": .bool(true)]] && got.embeddings == [HashingEmbedder.vector("green pear")])
        // upsert: one update, one insert
        let upserted = try await store.upsert("c", RecordBatch(ids: ["b", "d"], documents: ["green pear tree", "black grape"]))
        #expect(upserted.updated == 1 && upserted.inserted == 1)
        #expect(try store.count("c") == 4)
        // the index follows: query by the new document text finds its record first
        let result = try await store.query("c", QueryRequest(queries: .texts(["yellow banana", "black grape"]), nResults: 2))
        #expect(result.ids.map(\.first) == ["a", "d"])
        #expect(abs(result.distances?[0][0] ?? 1) < 1e-5)
        // delete by ids and by filter
        #expect(try await store.delete("c", ids: ["d"]) == ["d"])
        #expect(try await store.delete("c", filter: .compare(key: "n", op: .eq, value: .int(1))) == ["a"])
        #expect(try store.get("c", GetRequest()).ids == ["b", "c"])
        let afterDelete = try await store.query("c", QueryRequest(queries: .texts(["yellow banana"]), nResults: 10))
        #expect(afterDelete.ids[0].sorted() == ["b", "c"])
        await #expect(throws: StoreError.self) { try await store.delete("c") }
        // peek and paging
        #expect(try store.peek("c", limit: 1).ids == ["b"])
        #expect(try store.get("c", GetRequest(limit: 1, offset: 1)).ids == ["c"])
    }

    @Test func badWritesStoreNothing() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store(directory: dir.path, embedder: HashingEmbedder())
        _ = try store.createCollection(CollectionSpec(name: "c"))
        _ = try await store.add("c", RecordBatch(ids: ["seed"], embeddings: [[Float](repeating: 0.5, count: 64)]))
        let bad: [RecordBatch] = [
            RecordBatch(ids: ["x", "x"], documents: ["a", "b"]),
            RecordBatch(ids: ["x", "y"], embeddings: [[Float](repeating: 1, count: 64), [Float](repeating: 1, count: 3)]),
            RecordBatch(ids: ["x"], embeddings: [[Float](repeating: 1, count: 65)]),
            RecordBatch(ids: ["x"], embeddings: [[Float](repeating: 0, count: 64)]),
            RecordBatch(ids: ["x"], embeddings: [[Float](repeating: .nan, count: 64)]),
            RecordBatch(ids: ["x", "y"], documents: ["a"]),
            RecordBatch(ids: ["x"]),
            RecordBatch(ids: [""], documents: ["a"]),
            RecordBatch(ids: []),
        ]
        for batch in bad {
            await #expect(throws: StoreError.self) { try await store.add("c", batch) }
        }
        await #expect(throws: StoreError.dimensionMismatch(expected: 64, actual: 65)) {
            try await store.add("c", RecordBatch(ids: ["x"], embeddings: [[Float](repeating: 1, count: 65)]))
        }
        await #expect(throws: StoreError.duplicateIDs(["x"])) { try await store.add("c", RecordBatch(ids: ["x", "x"], documents: ["a", "b"])) }
        await #expect(throws: StoreError.collectionNotFound("nope")) { try await store.add("nope", RecordBatch(ids: ["x"], documents: ["a"])) }
        await #expect(throws: StoreError.dimensionMismatch(expected: 64, actual: 2)) {
            try await store.query("c", QueryRequest(queries: .embeddings([[1, 2]])))
        }
        #expect(try store.count("c") == 1)
        #expect(try store.get("c", GetRequest()).ids == ["seed"])
        // a collection of another model cannot embed texts
        _ = try store.createCollection(CollectionSpec(name: "other", embeddingModel: "some-other-model"))
        await #expect(throws: StoreError.self) { try await store.add("other", RecordBatch(ids: ["x"], documents: ["a"])) }
        #expect(try store.count("other") == 0)
    }

    /// Every operator, on random typed metadata (with missing keys), against the reference
    /// semantics; and filtered queries return `n_results` whenever that many records match.
    @Test func filtersMatchReferenceSemantics() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store(directory: dir.path, embedder: nil)
        _ = try store.createCollection(CollectionSpec(name: "f"))
        var random = TestRandom(state: 7)
        let words = ["alpha", "beta", "gamma", "delta"]
        var ids: [String] = [], documents: [String?] = [], metadatas: [[String: MetadataValue?]?] = [], vectors: [[Float]?] = []
        var reference: [String: (Metadata, String?)] = [:]
        for i in 0..<600 {
            var m: Metadata = [:]
            if random.int(0...4) > 0 { m["i"] = .int(Int64(random.int(0...9))) }
            if random.int(0...4) > 0 { m["f"] = .double(Double(random.int(0...20)) / 4) }
            if random.int(0...4) > 0 { m["s"] = .string(words[random.int(0...3)]) }
            if random.int(0...4) > 0 { m["b"] = .bool(random.int(0...1) == 1) }
            if random.int(0...9) == 0 { m["mixed"] = random.int(0...1) == 0 ? .int(3) : .string("3") }
            let document: String? = random.int(0...9) == 0 ? nil : "\(words[random.int(0...3)]) \(words[random.int(0...3)]) item\(i)"
            ids.append("r\(i)")
            documents.append(document)
            metadatas.append(m.isEmpty ? nil : m.mapValues { Optional($0) })
            vectors.append(random.vector(16))
            reference["r\(i)"] = (m, document)
        }
        _ = try await store.add("f", RecordBatch(ids: ids, documents: documents, metadatas: metadatas, embeddings: vectors))
        let leaves: [WhereFilter] = [
            .compare(key: "i", op: .eq, value: .int(3)), .compare(key: "i", op: .ne, value: .int(3)),
            .compare(key: "f", op: .gt, value: .double(2.5)), .compare(key: "f", op: .gte, value: .int(2)),
            .compare(key: "i", op: .lt, value: .int(4)), .compare(key: "i", op: .lte, value: .double(4.5)),
            .compare(key: "f", op: .eq, value: .int(2)), .compare(key: "s", op: .eq, value: .string("beta")),
            .compare(key: "s", op: .ne, value: .string("beta")), .compare(key: "b", op: .eq, value: .bool(true)),
            .compare(key: "b", op: .ne, value: .bool(false)), .compare(key: "mixed", op: .eq, value: .int(3)),
            .compare(key: "mixed", op: .eq, value: .string("3")), .compare(key: "s", op: .gt, value: .int(1)),
            .membership(key: "s", negated: false, values: [.string("alpha"), .string("gamma")]),
            .membership(key: "i", negated: true, values: [.int(1), .int(2), .double(3)]),
            .membership(key: "b", negated: false, values: [.bool(false)]),
        ]
        var filters = leaves
        filters.append(.and([leaves[2], leaves[7]]))
        filters.append(.or([leaves[0], leaves[9], .and([leaves[14], leaves[15]])]))
        let documentFilters: [DocumentFilter?] = [nil, .contains("beta"), .notContains("alpha"),
                                                  .or([.contains("gamma delta"), .and([.contains("item1"), .notContains("beta")])])]
        for filter in filters {
            for documentFilter in documentFilters {
                let expected = ids.filter { id in
                    guard let (m, d) = reference[id] else { return false }
                    return filter.matches(m) && (documentFilter?.matches(d) ?? true)
                }
                let got = try store.get("f", GetRequest(filter: filter, documentFilter: documentFilter, include: []))
                #expect(got.ids == expected, "\(filter) \(String(describing: documentFilter))")
                // Filtered query: exactly min(n, matches) results, all matching, in distance order.
                let query = random.vector(16)
                let n = 10
                let result = try await store.query("f", QueryRequest(queries: .embeddings([query]), nResults: n, filter: filter,
                                                                     documentFilter: documentFilter, include: [.distances]))
                #expect(result.ids[0].count == min(n, expected.count))
                #expect(Set(result.ids[0]).isSubset(of: Set(expected)))
                let distances = result.distances?[0] ?? []
                #expect(distances == distances.sorted())
            }
        }
        let deleted = try await store.delete("f", filter: leaves[7], documentFilter: .contains("alpha"))
        #expect(deleted.sorted() == ids.filter { leaves[7].matches(reference[$0]?.0) && DocumentFilter.contains("alpha").matches(reference[$0]?.1) }.sorted())
    }

    @Test func queryRecallAgainstExactSearch() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store(directory: dir.path, embedder: nil)
        _ = try store.createCollection(CollectionSpec(name: "v", metric: .l2))
        var random = TestRandom(state: 11)
        let vectors = (0..<3000).map { _ in random.vector(32) }
        for start in stride(from: 0, to: vectors.count, by: 1000) {
            let range = start..<(start + 1000)
            _ = try await store.add("v", RecordBatch(ids: range.map { "v\($0)" }, embeddings: range.map { vectors[$0] }))
        }
        let queries = (0..<50).map { _ in random.vector(32) }
        let result = try await store.query("v", QueryRequest(queries: .embeddings(queries), nResults: 10, include: [.distances, .embeddings]))
        var hits = 0
        for (q, query) in queries.enumerated() {
            let exact = vectors.indices.sorted { l2(vectors[$0], query) < l2(vectors[$1], query) }.prefix(10).map { "v\($0)" }
            hits += Set(exact).intersection(result.ids[q]).count
            let first = result.ids[q][0]
            #expect(abs((result.distances?[q][0] ?? 0) - l2(vectors[Int(first.dropFirst())!], query)) < 1e-3)
            #expect(result.embeddings?[q][0] == vectors[Int(first.dropFirst())!])
        }
        let recall = Double(hits) / 500
        #expect(recall >= 0.97, "recall@10 \(recall)")
    }

    private func l2(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
}
