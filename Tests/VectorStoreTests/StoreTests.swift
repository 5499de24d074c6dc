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
        // Long lists (bound as JSON arrays, mixed kinds) and a long $or (a balanced tree in SQL;
        // as a chain, 991 children passed SQLite's expression depth limit of 1,000).
        filters.append(.membership(key: "i", negated: false, values: (0..<40).map { .int(Int64($0 * 2)) } + [.double(3), .string("beta"), .bool(true)]))
        filters.append(.membership(key: "s", negated: true, values: words.prefix(2).map { .string($0) } + (0..<600).map { .string("w\($0)") }))
        filters.append(.membership(key: "f", negated: false, values: (0..<30).map { .double(Double($0) / 2) } + [.int(3)]))
        filters.append(.membership(key: "b", negated: false, values: Array(repeating: .bool(true), count: 20)))
        filters.append(.or((0..<991).map { .compare(key: "i", op: .eq, value: .int(Int64($0 % 12))) }))
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

    /// Text is stored byte-exact or refused: a NUL would be cut by SQLite's C-string binding (the
    /// probe stored "x\0alpha" as "x", and deleting "x\0zzz" deleted "x"), so it is refused.
    /// Requests beyond the store's limits are refused too; neither changes anything stored.
    @Test func nulTextAndOversizedRequestsStoreNothing() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let limits = StoreLimits(maxBatchSize: 4, maxQueries: 2, maxDimension: 8, maxResults: 5, filter: FilterLimits(maxTerms: 3, maxDepth: 2, maxValues: 5))
        let store = try Store(directory: dir.path, embedder: HashingEmbedder(), limits: limits)
        _ = try store.createCollection(CollectionSpec(name: "n"))
        _ = try await store.add("n", RecordBatch(ids: ["x", "y"], documents: ["plain text", "more text"], metadatas: [["k": .string("v")], nil]))
        func refused(_ what: String, _ body: () async throws -> Void) async {
            do {
                try await body()
                Issue.record("\(what) was accepted")
            } catch let error as StoreError {
                switch error {
                case .invalidArgument, .invalidFilter: break
                default: Issue.record("\(what): unexpected \(error)")
                }
            } catch {
                Issue.record("\(what): unexpected \(error)")
            }
        }
        await refused("a NUL in an id") { _ = try await store.add("n", RecordBatch(ids: ["x\u{0}alpha"], documents: ["d"])) }
        await refused("a NUL in a document") { _ = try await store.upsert("n", RecordBatch(ids: ["x"], documents: ["a\u{0}b"])) }
        await refused("a NUL in a metadata key") { _ = try await store.update("n", RecordBatch(ids: ["x"], metadatas: [["a\u{0}b": .int(1)]])) }
        await refused("a NUL in a metadata value") { _ = try await store.update("n", RecordBatch(ids: ["x"], metadatas: [["k": .string("v\u{0}w")]])) }
        await refused("a NUL in a deleted id") { _ = try await store.delete("n", ids: ["x\u{0}zzz"]) }
        await refused("a NUL in a read id") { _ = try store.get("n", GetRequest(ids: ["x\u{0}"])) }
        await refused("a NUL in a query text") { _ = try await store.query("n", QueryRequest(queries: .texts(["a\u{0}"]), nResults: 1)) }
        await refused("too many records") { _ = try await store.add("n", RecordBatch(ids: ["1", "2", "3", "4", "5"], documents: Array(repeating: "d", count: 5))) }
        await refused("too many ids to read") { _ = try store.get("n", GetRequest(ids: ["1", "2", "3", "4", "5"])) }
        await refused("too many ids to delete") { _ = try await store.delete("n", ids: ["1", "2", "3", "4", "5"]) }
        await refused("too many queries") { _ = try await store.query("n", QueryRequest(queries: .texts(["a", "b", "c"]), nResults: 1)) }
        #expect(try await store.query("n", QueryRequest(queries: .texts(["a"]), nResults: 1_000_000)).ids[0].count == 2)
        _ = try await store.add("n", RecordBatch(ids: ["3", "4", "5", "6"], documents: ["c", "d", "e", "f"]))
        await refused("too many results") { _ = try await store.query("n", QueryRequest(queries: .texts(["a"]), nResults: 6)) }
        _ = try await store.delete("n", ids: ["3", "4", "5", "6"])
        _ = try store.createCollection(CollectionSpec(name: "wide"))
        await refused("too wide an embedding") {
            _ = try await store.add("wide", RecordBatch(ids: ["w"], embeddings: [[Float](repeating: 1, count: 9)]))
        }
        await refused("too wide an embedding") {
            _ = try await store.add("wide", RecordBatch(ids: ["w"], embeddings: [[Float](repeating: 1, count: 15_000_000)]))
        }
        await refused("too many conditions") { _ = try WhereFilter.parse(["a": 1, "b": 2, "c": 3, "d": 4], limits: limits.filter) }
        await refused("too deep") { _ = try WhereFilter.parse(["$and": [["$and": [["$and": [["a": 1]]]]]]], limits: limits.filter) }
        await refused("too many values") { _ = try WhereFilter.parse(["a": ["$in": [1, 2, 3, 4, 5, 6]]], limits: limits.filter) }
        await refused("too many document conditions") {
            _ = try DocumentFilter.parse(["$or": [["$contains": "a"], ["$contains": "b"], ["$contains": "c"]]], limits: limits.filter)
        }
        #expect(try WhereFilter.parse(["a": ["$in": [1, 2, 3, 4, 5]]], limits: limits.filter) == .membership(key: "a", negated: false, values: [.int(1), .int(2), .int(3), .int(4), .int(5)]))
        let all = try store.get("n", GetRequest(include: [.documents, .metadatas]))
        #expect(all.ids == ["x", "y"])
        #expect(all.documents == ["plain text", "more text"])
        #expect(all.metadatas?.first??["k"] == .string("v"))
        #expect(try store.count("wide") == 0)
    }

    /// A kill during an index save leaves its temporary file behind; the next open removes it.
    @Test func staleTemporaryIndexFilesAreRemovedOnOpen() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var collectionDirectory = ""
        do {
            let store = try Store(directory: dir.path, embedder: HashingEmbedder())
            _ = try store.createCollection(CollectionSpec(name: "t"))
            _ = try await store.add("t", RecordBatch(ids: ["a"], documents: ["text"]))
            try await store.saveIndexes()
            let collections = dir.path + "/collections"
            collectionDirectory = collections + "/" + (try FileManager.default.contentsOfDirectory(atPath: collections)[0])
        }
        let stale = collectionDirectory + "/.index-00000000000000000007.hnsw.4242.123456.tmp"
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: stale))
        let store = try Store(directory: dir.path, embedder: HashingEmbedder())
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(try store.count("t") == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: collectionDirectory).allSatisfy { !$0.hasSuffix(".tmp") })
    }
}
