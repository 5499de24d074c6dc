import FuzzSupport
import Foundation
import Testing
@testable import VectorStore

/// Seeded mutation fuzzing, bounded in time: the JSON parser, and `where` / `where_document`
/// filters from parse to SQL. Any filter the parser accepts must run (no storage error: the SQL
/// stays inside SQLite's limits) and select exactly what the reference semantics select.
@Suite struct StoreFuzzTests {
    static let jsonSeeds: [String] = [
        #"{"ids":["a","b"],"documents":["x","y"],"metadatas":[{"k":1,"f":1.5,"s":"t","b":true},null]}"#,
        #"{"query_embeddings":[[0.1,-2e-3,3E+2]],"n_results":3,"include":["documents","distances"]}"#,
        #"{"where":{"$and":[{"a":{"$gte":1}},{"$or":[{"b":"x"},{"c":{"$in":[1,2.5,"z",false]}}]}]}}"#,
        #"["\u00e9\ud83d\ude00\n\t\\\"",-0,0.0,1e308,-9223372036854775808,{"":{}},[[[]]]]"#,
        #"{"deep":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}"#,
    ]

    @Test func jsonParserNeverCrashesAndRoundTrips() {
        var mutator = Mutator(seed: 0x5EED_0001, seeds: Self.jsonSeeds.map { Array($0.utf8) })
        var accepted = 0
        let ran = mutator.run(seconds: 3) { bytes in
            for rejectingNUL in [false, true] {
                guard let value = try? JSONValue.parse(bytes, maxDepth: 64, rejectingNUL: rejectingNUL) else { continue }
                accepted += 1
                let again = try? JSONValue.parse(value.serialized(), maxDepth: 64, rejectingNUL: rejectingNUL)
                #expect(again == value, "round trip of \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(ran > 1_000 && accepted > 0, "\(ran) inputs, \(accepted) accepted")
    }

    static let filterSeeds: [String] = [
        #"{"where":{"i":3}}"#, #"{"where":{"s":{"$ne":"beta"}}}"#, #"{"where":{"f":{"$gt":2.5,"$lte":4}}}"#,
        #"{"where":{"$or":[{"i":{"$in":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18]}},{"b":false}]}}"#,
        #"{"where":{"$and":[{"s":{"$nin":["alpha","gamma"]}},{"i":{"$lt":5}}]}}"#,
        #"{"where":{"mixed":"3"},"where_document":{"$contains":"beta"}}"#,
        #"{"where_document":{"$or":[{"$contains":"gamma"},{"$and":[{"$not_contains":"alpha"},{"$contains":"item1"}]}]}}"#,
        #"{"where":{"b":{"$eq":true}},"where_document":{"$not_contains":"delta"}}"#,
    ]

    @Test func acceptedFiltersRunAndMatchTheReference() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store(directory: dir.path, embedder: nil)
        _ = try store.createCollection(CollectionSpec(name: "z"))
        var random = TestRandom(state: 11)
        let words = ["alpha", "beta", "gamma", "delta"]
        var reference: [(String, Metadata, String?)] = []
        var batch = RecordBatch(ids: [], documents: [], metadatas: [], embeddings: [])
        for i in 0..<80 {
            var m: Metadata = [:]
            if random.int(0...3) > 0 { m["i"] = .int(Int64(random.int(0...20))) }
            if random.int(0...3) > 0 { m["f"] = .double(Double(random.int(0...20)) / 4) }
            if random.int(0...3) > 0 { m["s"] = .string(words[random.int(0...3)]) }
            if random.int(0...3) > 0 { m["b"] = .bool(random.int(0...1) == 1) }
            if random.int(0...5) == 0 { m["mixed"] = random.int(0...1) == 0 ? .int(3) : .string("3") }
            let document: String? = random.int(0...7) == 0 ? nil : "\(words[random.int(0...3)]) \(words[random.int(0...3)]) item\(i)"
            reference.append(("r\(i)", m, document))
            batch.ids.append("r\(i)")
            batch.documents?.append(document)
            batch.metadatas?.append(m.isEmpty ? nil : m.mapValues { Optional($0) })
            batch.embeddings?.append(random.vector(8))
        }
        _ = try await store.add("z", batch)
        var mutator = Mutator(seed: 0x5EED_0002, seeds: Self.filterSeeds.map { Array($0.utf8) })
        var checked = 0
        let ran = mutator.run(seconds: 4) { bytes in
            guard case let .object(body)? = try? JSONValue.parse(bytes, rejectingNUL: true) else { return }
            var filter: WhereFilter?
            var documentFilter: DocumentFilter?
            if let json = body["where"], json != .null, json != .object([:]) {
                guard let parsed = try? WhereFilter.parse(json) else { return }
                filter = parsed
            }
            if let json = body["where_document"], json != .null, json != .object([:]) {
                guard let parsed = try? DocumentFilter.parse(json) else { return }
                documentFilter = parsed
            }
            guard filter != nil || documentFilter != nil else { return }
            do {
                let got = try store.get("z", GetRequest(filter: filter, documentFilter: documentFilter, include: []))
                let expected = reference.filter { (filter?.matches($0.1) ?? true) && (documentFilter?.matches($0.2) ?? true) }.map(\.0)
                #expect(got.ids == expected, "\(String(decoding: bytes, as: UTF8.self))")
                checked += 1
            } catch {
                Issue.record("an accepted filter failed to run: \(error) for \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(checked > 100, "\(ran) inputs, \(checked) filters checked")
    }
}
