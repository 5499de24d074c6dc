import Foundation
import GRDB
import Testing
import VectorIndex
@testable import VectorStore

@Suite struct StorePersistenceTests {
    private func fill(_ store: Store, _ name: String, count: Int, seed: UInt64, prefix: String = "r") async throws -> [[Float]] {
        var random = TestRandom(state: seed)
        let vectors = (0..<count).map { _ in random.vector(24) }
        _ = try await store.add(name, RecordBatch(ids: (0..<count).map { "\(prefix)\($0)" },
                                                  documents: (0..<count).map { "doc \($0)" },
                                                  metadatas: (0..<count).map { ["n": .int(Int64($0)), "half": .bool($0 % 2 == 0)] },
                                                  embeddings: vectors))
        return vectors
    }

    private func snapshot(_ store: Store, _ name: String, queries: [[Float]]) async throws -> (GetResult, QueryResult) {
        let all = try store.get(name, GetRequest(include: [.documents, .metadatas, .embeddings]))
        let found = try await store.query(name, QueryRequest(queries: .embeddings(queries), nResults: 5,
                                                             filter: .compare(key: "half", op: .eq, value: .bool(true)),
                                                             include: [.documents, .metadatas, .distances]))
        return (all, found)
    }

    /// Commits are synced (`synchronous = FULL` on the connection that writes, i.e. the WAL is
    /// fsynced at each commit), also when the store is reopened; GRDB's WAL set-up would leave NORMAL.
    @Test func writesAreSyncedAtCommit() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        for _ in 0..<2 {
            let store = try Store(directory: dir.path, embedder: nil)
            let mode = try store.database.writeWithoutTransaction { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(mode.0 == "wal")
            #expect(mode.1 == 2)  // FULL
        }
    }

    @Test func restartKeepsDataAndResults() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var random = TestRandom(state: 99)
        let queries = (0..<5).map { _ in random.vector(24) }
        let before: (GetResult, QueryResult)
        do {
            let store = try Store(directory: dir.path, embedder: nil)
            _ = try store.createCollection(CollectionSpec(name: "p", metadata: ["k": .double(0.5)]))
            _ = try await fill(store, "p", count: 400, seed: 1)
            _ = try await store.delete("p", ids: ["r3", "r4"])
            try await store.saveIndexes()
            #expect(try store.savedSequence("p") == 2)
            before = try await snapshot(store, "p", queries: queries)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/collections")
        #expect(files.count == 1)
        let reopened = try Store(directory: dir.path, embedder: nil)
        let after = try await snapshot(reopened, "p", queries: queries)
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)
        #expect(try reopened.collection(named: "p").metadata == ["k": .double(0.5)])
        #expect(try reopened.collection(named: "p").count == 398)
    }

    /// Writes acknowledged after the last index save (the state a crash leaves) are caught up from
    /// SQLite on open: inserts, updates and deletes.
    @Test func writesAfterTheLastSaveAreRecovered() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var random = TestRandom(state: 5)
        let moved = random.vector(24)
        do {
            let store = try Store(directory: dir.path, embedder: nil)
            _ = try store.createCollection(CollectionSpec(name: "p"))
            _ = try await fill(store, "p", count: 300, seed: 2)
            try await store.saveIndexes()
            _ = try await fill(store, "p", count: 50, seed: 3, prefix: "late")
            _ = try await store.update("p", RecordBatch(ids: ["r7"], embeddings: [moved]))
            _ = try await store.delete("p", ids: ["r8", "late9"])
            // no save: the store is dropped as a crash would leave it
        }
        let reopened = try Store(directory: dir.path, embedder: nil)
        #expect(try reopened.count("p") == 348)
        #expect(try reopened.collection(named: "p").count == 348)
        let found = try await reopened.query("p", QueryRequest(queries: .embeddings([moved]), nResults: 1))
        #expect(found.ids == [["r7"]])
        let all = try reopened.get("p", GetRequest(include: [])).ids
        #expect(!all.contains("r8") && !all.contains("late9") && all.contains("late49"))
        for id in ["late0", "late25", "r299"] {
            guard let vector = try reopened.get("p", GetRequest(ids: [id], include: [.embeddings])).embeddings?.first else {
                Issue.record("missing \(id)")
                continue
            }
            #expect(try await reopened.query("p", QueryRequest(queries: .embeddings([vector]), nResults: 1)).ids == [[id]])
        }
    }

    @Test func damagedOrMissingIndexFilesAreRebuilt() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let vectors: [[Float]]
        do {
            let store = try Store(directory: dir.path, embedder: nil)
            _ = try store.createCollection(CollectionSpec(name: "p"))
            vectors = try await fill(store, "p", count: 200, seed: 4)
            try await store.saveIndexes()
        }
        let collectionDirectory = dir.path + "/collections/" + (try FileManager.default.contentsOfDirectory(atPath: dir.path + "/collections")[0])
        let file = collectionDirectory + "/" + (try FileManager.default.contentsOfDirectory(atPath: collectionDirectory)[0])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: file))
        do {
            let store = try Store(directory: dir.path, embedder: nil)
            #expect(try store.collection(named: "p").count == 200)
            #expect(try await store.query("p", QueryRequest(queries: .embeddings([vectors[17]]), nResults: 1)).ids == [["r17"]])
        }
        try FileManager.default.removeItem(atPath: collectionDirectory)
        let store = try Store(directory: dir.path, embedder: nil)
        #expect(try store.collection(named: "p").count == 200)
        #expect(try await store.query("p", QueryRequest(queries: .embeddings([vectors[42]]), nResults: 1)).ids == [["r42"]])
    }

    @Test func queriesAreServedDuringALargeIngest() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store(directory: dir.path, embedder: nil)
        _ = try store.createCollection(CollectionSpec(name: "big"))
        let seedVectors = try await fill(store, "big", count: 500, seed: 8, prefix: "seed")
        let ingest = Task {
            var random = TestRandom(state: 9)
            for batch in 0..<8 {
                let vectors = (0..<1000).map { _ in random.vector(24) }
                _ = try await store.add("big", RecordBatch(ids: (0..<1000).map { "b\(batch)-\($0)" }, embeddings: vectors))
            }
        }
        var answered = 0
        var ingestRunningWhileAnswering = 0
        while true {
            let probe = answered % seedVectors.count
            let result = try await store.query("big", QueryRequest(queries: .embeddings([seedVectors[probe]]), nResults: 1))
            #expect(result.ids == [["seed\(probe)"]])
            answered += 1
            if try store.count("big") < 8500 { ingestRunningWhileAnswering += 1 } else { break }
        }
        try await ingest.value
        #expect(ingestRunningWhileAnswering > 10, "queries answered during the ingest: \(ingestRunningWhileAnswering)")
        #expect(try store.count("big") == 8500)
    }
}
