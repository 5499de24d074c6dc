import Foundation
import GRDB
import VectorIndex

/// Chroma-style collections of records (id, document, metadata, embedding), persisted in SQLite
/// with one HNSW index file per collection beside the database.
///
/// - A write is acknowledged after its SQLite commit; the index is updated right after, in the
///   same order (one serial queue per collection). Index files are saved by `saveIndexes()`
///   (periodically by the server, and on shutdown) and name the sequence number they reflect; on
///   open, each index is caught up with what SQLite committed after it, or rebuilt, so a crash
///   between a commit and an index save loses nothing.
/// - Reads run concurrently with writes (SQLite WAL readers; the index's shared lock).
public final class Store: Sendable {
    /// Where the database and index files live.
    public let directory: String
    /// Embeds documents and query texts; `nil`: embeddings must be supplied.
    public let embedder: (any DocumentEmbedder)?
    /// Bounds on one request.
    public let limits: StoreLimits
    /// Maximum records in one write (Chroma's max batch size is of this order).
    public var maxBatchSize: Int { limits.maxBatchSize }

    let pool: DatabasePool
    /// The SQLite database, for adapters that keep their own tables beside the store's (the
    /// learning engine). Its migrations must use their own identifiers.
    public var database: DatabasePool { pool }
    let collections: Locked<[String: LiveCollection]>

    /// Opens (or creates) the store in `directory`, recovering every collection's index.
    public init(directory: String, embedder: (any DocumentEmbedder)?, limits: StoreLimits = StoreLimits()) throws(StoreError) {
        self.directory = directory
        self.embedder = embedder
        self.limits = limits
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create data directory \(directory): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.maximumReaderCount = 8
        configuration.busyMode = .timeout(10)
        let path = (directory as NSString).appendingPathComponent("lodestar.sqlite")
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Durable commits: an acknowledged write survives power loss, not just a crash (the
            // WAL is synced at every commit). Set on the pool's one writer connection after the
            // pool is open: GRDB sets `synchronous = NORMAL` when it turns WAL on, after any
            // `prepareDatabase` hook has run.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Schema.migrator().migrate(pool)
        } catch {
            throw .storage("cannot open database \(path): \(error)")
        }
        collections = Locked([:])
        let rows: [Row] = try Self.database { try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM collections ORDER BY id") } }
        for row in rows {
            let live = try LiveCollection(row: row, dataDirectory: directory)
            try live.recover(pool: pool)
            collections.withLock { $0[live.name] = live }
        }
    }

    /// Runs a database operation, turning its errors into `StoreError.storage`.
    static func database<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    func live(_ name: String) throws(StoreError) -> LiveCollection {
        guard let live = collections.withLock({ $0[name] }) else { throw .collectionNotFound(name) }
        return live
    }

    // MARK: - Collections

    /// Creates a collection; with `getOrCreate`, returns the existing one of that name instead of
    /// failing. `created` tells which happened.
    public func createCollection(_ spec: CollectionSpec, getOrCreate: Bool = false) throws(StoreError) -> (info: CollectionInfo, created: Bool) {
        try CollectionSpec.validate(name: spec.name)
        try spec.hnsw.validate()
        let model = spec.embeddingModel ?? embedder?.modelName ?? "none"
        return try collections.withLock { (open: inout [String: LiveCollection]) throws(StoreError) -> (CollectionInfo, Bool) in
            if let existing = open[spec.name] {
                guard getOrCreate else { throw .collectionExists(spec.name) }
                return (existing.info, false)
            }
            let uuid = UUID().uuidString.lowercased()
            let row: Row = try Self.database {
                try pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO collections (uuid, name, metadata, metric, hnsw_m, hnsw_ef_construction, hnsw_ef_search,
                                                 embedding_model, dimension, seq, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?)
                        """, arguments: [uuid, spec.name, Codecs.taggedJSON(spec.metadata), spec.metric.rawValue,
                                         spec.hnsw.M, spec.hnsw.efConstruction, spec.hnsw.efSearch, model,
                                         Date().timeIntervalSince1970])
                    return try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE uuid = ?", arguments: [uuid])!
                }
            }
            let live = try LiveCollection(row: row, dataDirectory: directory)
            open[spec.name] = live
            return (live.info, true)
        }
    }

    /// The collection named `name`.
    public func collection(named name: String) throws(StoreError) -> CollectionInfo {
        try live(name).info
    }

    /// All collections, by name.
    public func listCollections() -> [CollectionInfo] {
        collections.withLock { $0.values.map(\.info) }.sorted { $0.name < $1.name }
    }

    /// Deletes a collection, its records and its index files.
    public func deleteCollection(named name: String) async throws {
        let live = try live(name)
        try await live.serially { [pool] in
            try pool.write { db in
                try db.execute(sql: "DELETE FROM record_metadata WHERE collection_id = ?", arguments: [live.rowID])
                try db.execute(sql: "DELETE FROM deletions WHERE collection_id = ?", arguments: [live.rowID])
                try db.execute(sql: "DELETE FROM records WHERE collection_id = ?", arguments: [live.rowID])
                try db.execute(sql: "DELETE FROM collections WHERE id = ?", arguments: [live.rowID])
            }
            live.state.withLock {
                $0.dropped = true
                $0.index = nil
            }
            try? FileManager.default.removeItem(atPath: live.directory)
        }
        collections.withLock { open in
            if open[name] === live { open[name] = nil }
        }
    }

    /// Number of records in a collection.
    public func count(_ name: String) throws(StoreError) -> Int {
        let live = try live(name)
        return try Self.database {
            try pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE collection_id = ?", arguments: [live.rowID]) ?? 0
            }
        }
    }

    // MARK: - Persistence

    /// Saves every index that changed since its last save (each on its collection's queue).
    public func saveIndexes() async throws {
        let open = collections.withLock { Array($0.values) }
        for live in open {
            try await live.serially { [pool] in try live.saveIndexIfNeeded(pool: pool) }
        }
    }

    /// The sequence number of a collection's newest saved index file (`nil` if none).
    public func savedSequence(_ name: String) throws(StoreError) -> Int64? {
        let saved = try live(name).state.withLock { $0.savedSeq }
        return saved >= 0 ? saved : nil
    }
}
