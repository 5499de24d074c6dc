import GRDB

/// The SQLite schema of the store, applied by migrations (the database records which ran).
enum Schema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE collections (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    uuid TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL UNIQUE,
                    metadata TEXT,
                    metric TEXT NOT NULL,
                    hnsw_m INTEGER NOT NULL,
                    hnsw_ef_construction INTEGER NOT NULL,
                    hnsw_ef_search INTEGER NOT NULL,
                    embedding_model TEXT NOT NULL,
                    dimension INTEGER,
                    seq INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                );
                CREATE TABLE records (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    external_id TEXT NOT NULL,
                    document TEXT,
                    embedding BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    UNIQUE (collection_id, external_id)
                );
                CREATE INDEX records_by_seq ON records(collection_id, seq);
                CREATE TABLE record_metadata (
                    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
                    collection_id INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    string_value TEXT,
                    int_value INTEGER,
                    float_value REAL,
                    bool_value INTEGER
                );
                CREATE INDEX record_metadata_by_record ON record_metadata(record_id);
                CREATE INDEX record_metadata_string ON record_metadata(collection_id, key, string_value);
                CREATE INDEX record_metadata_int ON record_metadata(collection_id, key, int_value);
                CREATE INDEX record_metadata_float ON record_metadata(collection_id, key, float_value);
                CREATE INDEX record_metadata_bool ON record_metadata(collection_id, key, bool_value);
                -- Labels removed from the index since its last save (replayed on start).
                CREATE TABLE deletions (
                    collection_id INTEGER NOT NULL,
                    label INTEGER NOT NULL,
                    seq INTEGER NOT NULL
                );
                CREATE INDEX deletions_by_seq ON deletions(collection_id, seq);
                """)
        }
        return migrator
    }
}
