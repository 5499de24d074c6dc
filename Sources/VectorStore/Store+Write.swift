import Foundation
import GRDB
import VectorIndex

extension Store {
    /// How a write treats existing and missing ids (Chroma's three verbs).
    public enum WriteMode: String, Sendable {
        /// Stores new ids; ids already present are left alone (reported as ignored).
        case add
        /// Stores new ids and updates existing ones.
        case upsert
        /// Updates existing ids; absent ids are left alone (reported as ignored).
        case update
    }

    /// Adds records (Chroma's `add`).
    public func add(_ name: String, _ batch: RecordBatch) async throws -> WriteSummary {
        try await write(name, batch, mode: .add)
    }

    /// Adds new records and updates existing ones (Chroma's `upsert`).
    public func upsert(_ name: String, _ batch: RecordBatch) async throws -> WriteSummary {
        try await write(name, batch, mode: .upsert)
    }

    /// Updates existing records (Chroma's `update`): given documents replace the stored ones (and
    /// are re-embedded unless an embedding is given), given metadata is merged key by key (a `nil`
    /// value removes the key).
    public func update(_ name: String, _ batch: RecordBatch) async throws -> WriteSummary {
        try await write(name, batch, mode: .update)
    }

    /// Validates, embeds what needs it, then commits and indexes on the collection's queue. On any
    /// error nothing is stored.
    public func write(_ name: String, _ batch: RecordBatch, mode: WriteMode) async throws -> WriteSummary {
        let live = try live(name)
        try validate(batch, mode: mode)
        let count = batch.ids.count
        var vectors: [[Float]?] = batch.embeddings ?? Array(repeating: nil, count: count)
        var toEmbed = (0..<count).filter { vectors[$0] == nil && batch.documents?[$0] != nil }
        if mode == .add, !toEmbed.isEmpty {
            // Chroma leaves existing ids of an `add` alone: do not spend the model on them.
            let existing = try existingIDs(live, Array(toEmbed.map { batch.ids[$0] }))
            toEmbed.removeAll { existing.contains(batch.ids[$0]) }
        }
        if !toEmbed.isEmpty {
            let texts = toEmbed.compactMap { batch.documents?[$0] ?? nil }
            let embedded = try await embed(texts, for: live)
            for (position, index) in toEmbed.enumerated() { vectors[index] = embedded[position] }
        }
        let prepared = vectors
        return try await live.serially { [self] in try commit(live, batch, prepared, mode: mode) }
    }

    /// Embeds texts with the collection's model.
    func embed(_ texts: [String], for live: LiveCollection) async throws -> [[Float]] {
        guard let embedder else {
            throw StoreError.embeddingUnavailable("no embedding model is loaded: supply embeddings")
        }
        guard embedder.modelName == live.embeddingModel else {
            throw StoreError.embeddingUnavailable("collection '\(live.name)' uses embedding model '\(live.embeddingModel)', the server has '\(embedder.modelName)': supply embeddings")
        }
        return try await embedder.embed(texts)
    }

    private func validate(_ batch: RecordBatch, mode: WriteMode) throws(StoreError) {
        let count = batch.ids.count
        guard count > 0 else { throw .invalidArgument("ids must not be empty") }
        guard count <= maxBatchSize else { throw .invalidArgument("at most \(maxBatchSize) records per request, got \(count)") }
        if let documents = batch.documents, documents.count != count {
            throw .invalidArgument("\(count) ids but \(documents.count) documents")
        }
        if let metadatas = batch.metadatas, metadatas.count != count {
            throw .invalidArgument("\(count) ids but \(metadatas.count) metadatas")
        }
        if let embeddings = batch.embeddings, embeddings.count != count {
            throw .invalidArgument("\(count) ids but \(embeddings.count) embeddings")
        }
        try Self.checkText(ids: batch.ids)
        try Self.checkText(documents: (batch.documents ?? []).compactMap { $0 }, what: "document")
        for metadata in batch.metadatas ?? [] { try Self.checkText(metadata: metadata ?? [:]) }
        var seen = Set<String>()
        var repeated: [String] = []
        for id in batch.ids {
            guard !id.isEmpty else { throw .invalidArgument("ids must be non-empty strings") }
            if !seen.insert(id).inserted { repeated.append(id) }
        }
        guard repeated.isEmpty else { throw .duplicateIDs(repeated) }
        for (index, metadata) in (batch.metadatas ?? []).enumerated() {
            for key in (metadata ?? [:]).keys where key.isEmpty {
                throw .invalidArgument("record '\(batch.ids[index])': metadata keys must not be empty")
            }
        }
        if mode != .update {
            for index in 0..<count where batch.embeddings?[index] == nil && (batch.documents?[index] ?? nil) == nil {
                throw .invalidArgument("record '\(batch.ids[index])' needs a document or an embedding")
            }
        }
        if let embeddings = batch.embeddings {
            let dimensions = Set(embeddings.compactMap { $0?.count })
            guard dimensions.count <= 1 else {
                throw .invalidArgument("embeddings of one request must have one dimension, got \(dimensions.sorted())")
            }
            if let dimension = dimensions.first, dimension > limits.maxDimension {
                throw .invalidArgument("embeddings may have at most \(limits.maxDimension) dimensions, got \(dimension)")
            }
            for (index, vector) in embeddings.enumerated() {
                guard let vector else { continue }
                guard !vector.isEmpty else { throw .invalidArgument("record '\(batch.ids[index])': empty embedding") }
                guard vector.allSatisfy(\.isFinite) else {
                    throw .invalidArgument("record '\(batch.ids[index])': embedding values must be finite")
                }
            }
        }
    }

    private func existingIDs(_ live: LiveCollection, _ ids: [String]) throws(StoreError) -> Set<String> {
        try Self.database {
            try pool.read { db in
                Set(try String.fetchAll(db, sql: """
                    SELECT external_id FROM records
                    WHERE collection_id = ? AND external_id IN (SELECT value FROM json_each(?))
                    """, arguments: [live.rowID, Self.jsonArray(ids)]))
            }
        }
    }

    /// A JSON array of strings or integers, bound as one parameter and read with `json_each`.
    static func jsonArray(_ values: [String]) -> String {
        let data = (try? JSONEncoder().encode(values)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func jsonArray(_ values: [Int64]) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }

    /// Runs on the collection's queue: checks dimensions, commits to SQLite, then updates the index.
    private func commit(_ live: LiveCollection, _ batch: RecordBatch, _ vectors: [[Float]?], mode: WriteMode) throws -> WriteSummary {
        guard !live.state.withLock({ $0.dropped }) else { throw StoreError.collectionNotFound(live.name) }
        var dimension = live.dimension
        for (index, vector) in vectors.enumerated() {
            guard let vector else { continue }
            if dimension == nil { dimension = vector.count }
            guard vector.count == dimension else {
                throw StoreError.dimensionMismatch(expected: dimension ?? 0, actual: vector.count)
            }
            if live.metric == .cosine, !vector.contains(where: { $0 != 0 }) {
                throw StoreError.invalidArgument("record '\(batch.ids[index])': an all-zero embedding has no cosine distance")
            }
        }
        let finalDimension = dimension
        let (summary, changes): (WriteSummary, [(UInt64, [Float])]) = try Self.database {
            try pool.write { db in
                let seq = (try Int64.fetchOne(db, sql: "SELECT seq FROM collections WHERE id = ?", arguments: [live.rowID]) ?? 0) + 1
                var existing: [String: Int64] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT id, external_id FROM records
                    WHERE collection_id = ? AND external_id IN (SELECT value FROM json_each(?))
                    """, arguments: [live.rowID, Self.jsonArray(batch.ids)]) {
                    existing[row["external_id"]] = row["id"]
                }
                var summary = WriteSummary(inserted: 0, updated: 0, ignoredIDs: [], sequence: seq)
                var changes: [(UInt64, [Float])] = []
                for (index, id) in batch.ids.enumerated() {
                    let document = batch.documents?[index] ?? nil
                    let patch = batch.metadatas?[index] ?? nil
                    if let label = existing[id] {
                        guard mode != .add else { summary.ignoredIDs.append(id); continue }
                        var assignments = ["seq = ?"]
                        var arguments: [(any DatabaseValueConvertible)?] = [seq]
                        if let document {
                            assignments.append("document = ?")
                            arguments.append(document)
                        }
                        if let vector = vectors[index] {
                            assignments.append("embedding = ?")
                            arguments.append(Codecs.blob(vector))
                            changes.append((UInt64(label), vector))
                        }
                        arguments.append(label)
                        try db.execute(sql: "UPDATE records SET \(assignments.joined(separator: ", ")) WHERE id = ?",
                                       arguments: StatementArguments(arguments))
                        if let patch {
                            var merged = try Self.metadata(db, label: label)
                            for (key, value) in patch { merged[key] = value }
                            try Self.writeMetadata(db, label: label, collectionID: live.rowID, merged)
                        }
                        summary.updated += 1
                    } else {
                        guard mode != .update, let vector = vectors[index] else { summary.ignoredIDs.append(id); continue }
                        try db.execute(sql: """
                            INSERT INTO records (collection_id, external_id, document, embedding, seq) VALUES (?, ?, ?, ?, ?)
                            """, arguments: [live.rowID, id, document, Codecs.blob(vector), seq])
                        let label = db.lastInsertedRowID
                        if let patch { try Self.writeMetadata(db, label: label, collectionID: live.rowID, patch.compactMapValues { $0 }) }
                        changes.append((UInt64(label), vector))
                        summary.inserted += 1
                    }
                }
                if summary.inserted + summary.updated > 0 {
                    try db.execute(sql: "UPDATE collections SET seq = ?, dimension = ? WHERE id = ?",
                                   arguments: [seq, finalDimension, live.rowID])
                } else {
                    summary.sequence = seq - 1
                }
                return (summary, changes)
            }
        }
        try apply(live, changes: changes, removals: [], dimension: finalDimension, seq: summary.sequence)
        return summary
    }

    /// Brings the in-memory index up to a committed write. If the index refuses it (it should not:
    /// input was validated), the index is rebuilt from SQLite.
    func apply(_ live: LiveCollection, changes: [(UInt64, [Float])], removals: [UInt64], dimension: Int?, seq: Int64) throws {
        var index = live.state.withLock { state -> HNSWIndex? in
            if state.dimension == nil { state.dimension = dimension }
            return state.index
        }
        if index == nil, let dimension {
            let created = try live.makeIndex(dimension: dimension, capacity: changes.count)
            live.state.withLock { $0.index = created }
            index = created
        }
        guard let index else {
            live.state.withLock { $0.appliedSeq = seq }
            return
        }
        do {
            if !removals.isEmpty { index.remove(ids: removals) }
            if !changes.isEmpty { try index.add(ids: changes.map(\.0), vectors: changes.map(\.1)) }
            live.state.withLock { $0.appliedSeq = seq }
        } catch {
            live.state.withLock { $0.index = nil }
            try live.recover(pool: pool)
        }
    }

    static func metadata(_ db: Database, label: Int64) throws -> [String: MetadataValue?] {
        var result: [String: MetadataValue?] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM record_metadata WHERE record_id = ?", arguments: [label]) {
            if let value = Codecs.metadataValue(row) { result[row["key"]] = value }
        }
        return result
    }

    static func writeMetadata(_ db: Database, label: Int64, collectionID: Int64, _ metadata: [String: MetadataValue?]) throws {
        try db.execute(sql: "DELETE FROM record_metadata WHERE record_id = ?", arguments: [label])
        let statement = try db.cachedStatement(sql: """
            INSERT INTO record_metadata (record_id, collection_id, key, string_value, int_value, float_value, bool_value)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (key, value) in metadata {
            guard let value else { continue }
            var s: String?, i: Int64?, f: Double?, b: Int64?
            switch value {
            case let .string(v): s = v
            case let .int(v): i = v
            case let .double(v): f = v
            case let .bool(v): b = v ? 1 : 0
            }
            try statement.execute(arguments: [label, collectionID, key, s, i, f, b])
        }
    }

    // MARK: - Delete

    /// Deletes records by ids and/or filters (all given conditions must hold). Returns the ids
    /// deleted.
    public func delete(_ name: String, ids: [String]? = nil, filter: WhereFilter? = nil,
                       documentFilter: DocumentFilter? = nil) async throws -> [String] {
        let live = try live(name)
        guard ids != nil || filter != nil || documentFilter != nil else {
            throw StoreError.invalidArgument("delete needs ids, where or where_document")
        }
        if let ids {
            guard ids.count <= limits.maxBatchSize else {
                throw StoreError.invalidArgument("at most \(limits.maxBatchSize) ids per request, got \(ids.count)")
            }
            try Self.checkText(ids: ids)
        }
        let condition = Self.condition(live, ids: ids, filter: filter, documentFilter: documentFilter)
        return try await live.serially { [self] in
            guard !live.state.withLock({ $0.dropped }) else { throw StoreError.collectionNotFound(live.name) }
            let (deleted, labels, seq): ([String], [UInt64], Int64) = try Self.database {
                try pool.write { db in
                    let rows = try Row.fetchAll(db, sql: "SELECT r.id, r.external_id FROM records r WHERE \(condition.sql)",
                                                arguments: condition.arguments)
                    let seq = (try Int64.fetchOne(db, sql: "SELECT seq FROM collections WHERE id = ?", arguments: [live.rowID]) ?? 0)
                    guard !rows.isEmpty else { return ([], [], seq) }
                    let labels: [Int64] = rows.map { $0["id"] }
                    let list = Self.jsonArray(labels)
                    try db.execute(sql: "DELETE FROM record_metadata WHERE record_id IN (SELECT value FROM json_each(?))", arguments: [list])
                    try db.execute(sql: "DELETE FROM records WHERE id IN (SELECT value FROM json_each(?))", arguments: [list])
                    try db.execute(sql: "INSERT INTO deletions (collection_id, label, seq) SELECT ?, value, ? FROM json_each(?)",
                                   arguments: [live.rowID, seq + 1, list])
                    try db.execute(sql: "UPDATE collections SET seq = ? WHERE id = ?", arguments: [seq + 1, live.rowID])
                    return (rows.map { $0["external_id"] }, labels.map { UInt64($0) }, seq + 1)
                }
            }
            if !labels.isEmpty { try apply(live, changes: [], removals: labels, dimension: live.dimension, seq: seq) }
            return deleted
        }
    }

    /// The SQL condition selecting a collection's records by ids and filters.
    static func condition(_ live: LiveCollection, ids: [String]?, filter: WhereFilter?, documentFilter: DocumentFilter?) -> SQLCondition {
        var parts = [SQLCondition(sql: "r.collection_id = ?", arguments: [live.rowID])]
        if let ids {
            parts.append(SQLCondition(sql: "r.external_id IN (SELECT value FROM json_each(?))", arguments: [jsonArray(ids)]))
        }
        if let filter { parts.append(filter.sqlCondition(collectionID: live.rowID)) }
        if let documentFilter { parts.append(documentFilter.sqlCondition()) }
        return .all(parts, joiner: "AND")
    }
}
