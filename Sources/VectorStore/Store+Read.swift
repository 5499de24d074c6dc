import Foundation
import GRDB
import VectorIndex

extension Store {
    /// Records by ids and/or filters, in insertion order, paged (Chroma's `get`).
    public func get(_ name: String, _ request: GetRequest) throws(StoreError) -> GetResult {
        let live = try live(name)
        if let limit = request.limit, limit < 0 { throw .invalidArgument("limit must not be negative") }
        guard request.offset >= 0 else { throw .invalidArgument("offset must not be negative") }
        try Self.checkText(ids: request.ids ?? [])
        if let ids = request.ids, ids.count > limits.maxBatchSize {
            throw .invalidArgument("at most \(limits.maxBatchSize) ids per request, got \(ids.count)")
        }
        let condition = Self.condition(live, ids: request.ids, filter: request.filter, documentFilter: request.documentFilter)
        let dimension = live.dimension ?? 0
        return try Self.database {
            try pool.read { db in
                var sql = "SELECT r.id, r.external_id, r.document\(request.include.contains(.embeddings) ? ", r.embedding" : "") FROM records r WHERE \(condition.sql) ORDER BY r.id"
                var arguments: [(any DatabaseValueConvertible)?] = condition.values
                if request.limit != nil || request.offset > 0 {
                    sql += " LIMIT ? OFFSET ?"
                    arguments.append(request.limit ?? -1)
                    arguments.append(request.offset)
                }
                let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
                return try Self.assemble(db, rows: rows, include: request.include, dimension: dimension)
            }
        }
    }

    /// The first `limit` records (Chroma's `peek`).
    public func peek(_ name: String, limit: Int = 10) throws(StoreError) -> GetResult {
        try get(name, GetRequest(limit: limit, include: [.documents, .metadatas, .embeddings]))
    }

    /// Builds a `GetResult` from record rows (in their order), fetching metadata in one query.
    static func assemble(_ db: Database, rows: [Row], include: Include, dimension: Int) throws -> GetResult {
        var result = GetResult()
        result.ids = rows.map { $0["external_id"] }
        if include.contains(.documents) { result.documents = rows.map { $0["document"] } }
        if include.contains(.embeddings) {
            result.embeddings = try rows.map { row in try Codecs.vector(row["embedding"], dimension: dimension) }
        }
        if include.contains(.metadatas) {
            let labels: [Int64] = rows.map { $0["id"] }
            let metadata = try metadataByLabel(db, labels)
            result.metadatas = labels.map { metadata[$0] }
        }
        return result
    }

    /// Metadata of many records, keyed by label (records without metadata are absent).
    static func metadataByLabel(_ db: Database, _ labels: [Int64]) throws -> [Int64: Metadata] {
        guard !labels.isEmpty else { return [:] }
        var result: [Int64: Metadata] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT * FROM record_metadata WHERE record_id IN (SELECT value FROM json_each(?))
            """, arguments: [jsonArray(labels)])
        while let row = try rows.next() {
            if let value = Codecs.metadataValue(row) { result[row["record_id"], default: [:]][row["key"]] = value }
        }
        return result
    }

    /// Nearest records to each query (Chroma's `query`). With filters, only matching records are
    /// returned, and `nResults` of them whenever that many match (the index's filtered search).
    public func query(_ name: String, _ request: QueryRequest) async throws -> QueryResult {
        let live = try live(name)
        guard request.nResults >= 1 else { throw StoreError.invalidArgument("n_results must be at least 1") }
        if let ef = request.ef, !(1...10_000).contains(ef) { throw StoreError.invalidArgument("ef must be between 1 and 10000") }
        let vectors: [[Float]]
        switch request.queries {
        case let .texts(texts):
            guard !texts.isEmpty else { throw StoreError.invalidArgument("query_texts must not be empty") }
            guard texts.count <= limits.maxQueries else {
                throw StoreError.invalidArgument("at most \(limits.maxQueries) query texts per request, got \(texts.count)")
            }
            try Self.checkText(documents: texts, what: "query text")
            vectors = try await embed(texts, for: live)
        case let .embeddings(embeddings):
            guard !embeddings.isEmpty else { throw StoreError.invalidArgument("query_embeddings must not be empty") }
            guard embeddings.count <= limits.maxQueries else {
                throw StoreError.invalidArgument("at most \(limits.maxQueries) query embeddings per request, got \(embeddings.count)")
            }
            vectors = embeddings
        }
        return try search(live, vectors, request)
    }

    private func search(_ live: LiveCollection, _ vectors: [[Float]], _ request: QueryRequest) throws(StoreError) -> QueryResult {
        let (index, dimension) = live.state.withLock { ($0.index, $0.dimension) }
        for vector in vectors {
            if let dimension, vector.count != dimension { throw .dimensionMismatch(expected: dimension, actual: vector.count) }
            guard vector.allSatisfy(\.isFinite) else { throw .invalidArgument("query embedding values must be finite") }
        }
        var allowed: Set<UInt64>?
        if request.filter != nil || request.documentFilter != nil {
            let condition = Self.condition(live, ids: nil, filter: request.filter, documentFilter: request.documentFilter)
            allowed = try Self.database {
                try pool.read { db in
                    Set(try Int64.fetchAll(db, sql: "SELECT r.id FROM records r WHERE \(condition.sql)",
                                           arguments: condition.arguments).map { UInt64($0) })
                }
            }
        }
        var hits: [[SearchResult]] = []
        for vector in vectors {
            guard let index, allowed.map({ !$0.isEmpty }) ?? true else {
                hits.append([])
                continue
            }
            // More results than records cannot be returned: bound k (and so ef) by the count. What
            // remains must be within the limit (n_results beyond the collection is not an error).
            let k = min(request.nResults, max(index.count, 1))
            guard k <= limits.maxResults else {
                throw .invalidArgument("n_results must be at most \(limits.maxResults) (or the collection's count), got \(request.nResults)")
            }
            do {
                hits.append(try index.search(vector, k: k, ef: max(request.ef ?? live.hnsw.efSearch, k),
                                             filter: allowed.map { .allowed($0) }))
            } catch {
                throw .invalidArgument("query: \(error)")
            }
        }
        return try fetch(live, hits, include: request.include, dimension: dimension ?? 0)
    }

    /// Reads the records of search hits in one query and lays them out per query.
    private func fetch(_ live: LiveCollection, _ hits: [[SearchResult]], include: Include, dimension: Int) throws(StoreError) -> QueryResult {
        let labels = Array(Set(hits.flatMap { $0.map { Int64($0.id) } }))
        let wantEmbeddings = include.contains(.embeddings)
        let (rows, metadata): ([Int64: Row], [Int64: Metadata]) = try Self.database {
            try pool.read { db in
                guard !labels.isEmpty else { return ([:], [:]) }
                var rows: [Int64: Row] = [:]
                let columns = "id, external_id" + (include.contains(.documents) ? ", document" : "") + (wantEmbeddings ? ", embedding" : "")
                for row in try Row.fetchAll(db, sql: "SELECT \(columns) FROM records WHERE id IN (SELECT value FROM json_each(?))",
                                            arguments: [Self.jsonArray(labels)]) {
                    rows[row["id"]] = row
                }
                let metadata = include.contains(.metadatas) ? try Self.metadataByLabel(db, labels) : [:]
                return (rows, metadata)
            }
        }
        var result = QueryResult()
        if include.contains(.distances) { result.distances = [] }
        if include.contains(.documents) { result.documents = [] }
        if include.contains(.metadatas) { result.metadatas = [] }
        if wantEmbeddings { result.embeddings = [] }
        for list in hits {
            // A record deleted after the search is skipped.
            let found = list.filter { rows[Int64($0.id)] != nil }
            result.ids.append(found.map { rows[Int64($0.id)]?["external_id"] ?? "" })
            result.distances?.append(found.map(\.distance))
            result.documents?.append(found.map { rows[Int64($0.id)]?["document"] })
            result.metadatas?.append(found.map { metadata[Int64($0.id)] })
            if wantEmbeddings {
                var vectors: [[Float]] = []
                for hit in found {
                    guard let blob: Data = rows[Int64(hit.id)]?["embedding"] else { continue }
                    vectors.append(try Codecs.vector(blob, dimension: dimension))
                }
                result.embeddings?.append(vectors)
            }
        }
        return result
    }
}
