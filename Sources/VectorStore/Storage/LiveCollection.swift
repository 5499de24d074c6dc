import Dispatch
import Foundation
import GRDB
import VectorIndex

/// A collection open in the store: its settings, its in-memory HNSW index and the serial queue
/// that orders its writes (SQLite commit, then the index) and index saves.
///
/// The index file is named by the collection sequence number it reflects
/// (`index-<seq>.hnsw`, written atomically), so one rename publishes both the graph and the
/// point of SQLite history it matches.
final class LiveCollection: @unchecked Sendable {
    // @unchecked Sendable: the mutable parts live in `state` (a lock); writes are serialised by
    // `queue`.
    let rowID: Int64
    let uuid: String
    let name: String
    let metric: Metric
    let hnsw: HNSWSettings
    let embeddingModel: String
    let directory: String
    let metadata: Metadata?
    let queue: DispatchQueue

    struct State {
        var dimension: Int?
        var index: HNSWIndex?
        /// The sequence number whose writes the in-memory index reflects.
        var appliedSeq: Int64 = 0
        /// The sequence number of the newest index file on disk.
        var savedSeq: Int64 = -1
        var dropped = false
    }

    let state: Locked<State>

    init(row: Row, dataDirectory: String) throws(StoreError) {
        rowID = row["id"]
        uuid = row["uuid"]
        name = row["name"]
        let metricName: String = row["metric"]
        guard let metric = Metric(rawValue: metricName) else { throw .storage("collection '\(row["name"] as String)' has unknown metric \(metricName)") }
        self.metric = metric
        hnsw = HNSWSettings(M: row["hnsw_m"], efConstruction: row["hnsw_ef_construction"], efSearch: row["hnsw_ef_search"])
        embeddingModel = row["embedding_model"]
        metadata = Codecs.metadata(taggedJSON: row["metadata"])
        directory = (dataDirectory as NSString).appendingPathComponent("collections/\(uuid)")
        queue = DispatchQueue(label: "lodestar.collection.\(uuid)")
        let dimension: Int? = row["dimension"]
        state = Locked(State(dimension: dimension))
    }

    var dimension: Int? { state.withLock { $0.dimension } }
    var index: HNSWIndex? { state.withLock { $0.index } }

    func makeIndex(dimension: Int, capacity: Int = 1024) throws(StoreError) -> HNSWIndex {
        do {
            return try HNSWIndex(dimension: dimension, metric: metric,
                                 parameters: .init(M: hnsw.M, efConstruction: hnsw.efConstruction, efSearch: hnsw.efSearch),
                                 capacity: max(capacity, 1024))
        } catch {
            throw .storage("cannot create index: \(error)")
        }
    }

    /// Runs `body` on the collection's write queue.
    func serially<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    // MARK: - Index files

    private static let filePrefix = "index-"
    private static let fileSuffix = ".hnsw"

    /// Index files on disk, newest first.
    func indexFiles() -> [(seq: Int64, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> (Int64, String)? in
            guard name.hasPrefix(Self.filePrefix), name.hasSuffix(Self.fileSuffix),
                  let seq = Int64(name.dropFirst(Self.filePrefix.count).dropLast(Self.fileSuffix.count)) else { return nil }
            return (seq, (directory as NSString).appendingPathComponent(name))
        }.sorted { $0.0 > $1.0 }
    }

    /// Removes temporary files left by saves that a crash or kill interrupted
    /// (`.index-<seq>.hnsw.<pid>.<random>.tmp`). Called on open, before anything of this process
    /// saves into the directory. Returns how many were removed.
    @discardableResult
    func removeStaleTemporaryFiles() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed = 0
        for name in names where name.hasPrefix("." + Self.filePrefix) && name.hasSuffix(".tmp") {
            if unlink((directory as NSString).appendingPathComponent(name)) == 0 { removed += 1 }
        }
        return removed
    }

    /// Loads the newest index file that reads and matches the collection, catches it up with
    /// SQLite (records and deletions after its sequence number), and rebuilds from SQLite when no
    /// file is usable or the result disagrees with SQLite. Returns what happened, for the log.
    @discardableResult
    func recover(pool: DatabasePool) throws(StoreError) -> String {
        removeStaleTemporaryFiles()
        let (dbSeq, recordCount): (Int64, Int) = try Store.database {
            try pool.read { db in
                let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM collections WHERE id = ?", arguments: [rowID]) ?? 0
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE collection_id = ?", arguments: [rowID]) ?? 0
                return (seq, count)
            }
        }
        guard let dimension = self.dimension else {
            state.withLock { $0.appliedSeq = dbSeq }
            return "empty"
        }
        for file in indexFiles() where file.seq <= dbSeq {
            guard let index = try? HNSWIndex.load(from: file.path),
                  index.dimension == dimension, index.metric == metric else { continue }
            do {
                let applied = try catchUp(index, from: file.seq, pool: pool)
                if index.count == recordCount {
                    state.withLock {
                        $0.index = index
                        $0.appliedSeq = dbSeq
                        $0.savedSeq = file.seq
                    }
                    return applied == 0 ? "loaded" : "caught up \(applied) changes"
                }
            } catch {
                continue
            }
        }
        let index = try rebuild(pool: pool, dimension: dimension, count: recordCount)
        state.withLock {
            $0.index = index
            $0.appliedSeq = dbSeq
        }
        return "rebuilt from \(recordCount) records"
    }

    private func catchUp(_ index: HNSWIndex, from seq: Int64, pool: DatabasePool) throws -> Int {
        guard let dimension else { return 0 }
        let (changed, deleted): ([(UInt64, [Float])], [UInt64]) = try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, embedding FROM records WHERE collection_id = ? AND seq > ?",
                                        arguments: [rowID, seq])
            var changed: [(UInt64, [Float])] = []
            for row in rows {
                let blob: Data = row["embedding"]
                changed.append((UInt64(row["id"] as Int64), try Codecs.vector(blob, dimension: dimension)))
            }
            let deleted = try Int64.fetchAll(db, sql: "SELECT label FROM deletions WHERE collection_id = ? AND seq > ?",
                                             arguments: [rowID, seq]).map { UInt64($0) }
            return (changed, deleted)
        }
        index.remove(ids: deleted)
        if !changed.isEmpty { try index.add(ids: changed.map(\.0), vectors: changed.map(\.1)) }
        return changed.count + deleted.count
    }

    private func rebuild(pool: DatabasePool, dimension: Int, count: Int) throws(StoreError) -> HNSWIndex {
        let index = try makeIndex(dimension: dimension, capacity: count)
        var lastID: Int64 = 0
        while true {
            let page: [(UInt64, [Float])] = try Store.database {
                try pool.read { db in
                    try Row.fetchAll(db, sql: "SELECT id, embedding FROM records WHERE collection_id = ? AND id > ? ORDER BY id LIMIT 5000",
                                     arguments: [rowID, lastID]).map { row in
                        let blob: Data = row["embedding"]
                        return (UInt64(row["id"] as Int64), try Codecs.vector(blob, dimension: dimension))
                    }
                }
            }
            guard let last = page.last else { break }
            lastID = Int64(last.0)
            do {
                try index.add(ids: page.map(\.0), vectors: page.map(\.1))
            } catch {
                throw .storage("rebuilding the index of '\(name)': \(error)")
            }
        }
        return index
    }

    /// Saves the index if it changed since the last save, then drops older files and the
    /// deletion log they no longer need. Runs on the write queue, so no write is half-applied.
    func saveIndexIfNeeded(pool: DatabasePool) throws(StoreError) {
        let (index, applied, saved, dropped) = state.withLock { ($0.index, $0.appliedSeq, $0.savedSeq, $0.dropped) }
        guard !dropped, let index, applied > saved else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create \(directory): \(error)")
        }
        let path = (directory as NSString).appendingPathComponent(String(format: "%@%020lld%@", Self.filePrefix, applied, Self.fileSuffix))
        do {
            try index.save(to: path)
        } catch {
            throw .storage("saving the index of '\(name)': \(error)")
        }
        state.withLock { $0.savedSeq = applied }
        for file in indexFiles() where file.seq < applied {
            try? FileManager.default.removeItem(atPath: file.path)
        }
        _ = try? pool.write { db in
            try db.execute(sql: "DELETE FROM deletions WHERE collection_id = ? AND seq <= ?", arguments: [rowID, applied])
        }
    }

    var info: CollectionInfo {
        CollectionInfo(id: uuid, name: name, metadata: metadata, metric: metric, hnsw: hnsw,
                       embeddingModel: embeddingModel, dimension: dimension, count: index?.count ?? 0)
    }
}
