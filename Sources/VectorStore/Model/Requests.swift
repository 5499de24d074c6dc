/// Records to add, upsert or update: parallel lists, as in Chroma's client.
public struct RecordBatch: Sendable {
    public var ids: [String]
    public var documents: [String?]?
    /// Per record: metadata to store (add) or to merge (update, upsert of an existing record; a
    /// `nil` value inside removes that key).
    public var metadatas: [[String: MetadataValue?]?]?
    public var embeddings: [[Float]?]?

    public init(ids: [String], documents: [String?]? = nil, metadatas: [[String: MetadataValue?]?]? = nil,
                embeddings: [[Float]?]? = nil) {
        self.ids = ids
        self.documents = documents
        self.metadatas = metadatas
        self.embeddings = embeddings
    }
}

/// What a write did.
public struct WriteSummary: Sendable, Equatable {
    /// Records newly stored.
    public var inserted: Int
    /// Existing records changed.
    public var updated: Int
    /// Ids left alone: already present (add) or absent (update), as Chroma does.
    public var ignoredIDs: [String]
    /// The collection's sequence number after the write.
    public var sequence: Int64
}

/// Fields a read returns.
public struct Include: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let documents = Include(rawValue: 1)
    public static let metadatas = Include(rawValue: 2)
    public static let embeddings = Include(rawValue: 4)
    public static let distances = Include(rawValue: 8)

    /// Parses Chroma's `include` list (`documents`, `metadatas`, `embeddings`, `distances`).
    public static func parse(_ names: [String], allowDistances: Bool) throws(StoreError) -> Include {
        var result: Include = []
        for name in names {
            switch name {
            case "documents": result.insert(.documents)
            case "metadatas": result.insert(.metadatas)
            case "embeddings": result.insert(.embeddings)
            case "distances" where allowDistances: result.insert(.distances)
            default: throw .invalidArgument("include: unknown field '\(name)'")
            }
        }
        return result
    }
}

/// A `get`: by ids and/or filters, paged.
public struct GetRequest: Sendable {
    public var ids: [String]?
    public var filter: WhereFilter?
    public var documentFilter: DocumentFilter?
    public var limit: Int?
    public var offset: Int
    public var include: Include

    public init(ids: [String]? = nil, filter: WhereFilter? = nil, documentFilter: DocumentFilter? = nil,
                limit: Int? = nil, offset: Int = 0, include: Include = [.documents, .metadatas]) {
        self.ids = ids
        self.filter = filter
        self.documentFilter = documentFilter
        self.limit = limit
        self.offset = offset
        self.include = include
    }
}

/// Records found by `get` (parallel lists; fields not included are `nil`).
public struct GetResult: Sendable, Equatable {
    public var ids: [String] = []
    public var documents: [String?]?
    public var metadatas: [Metadata?]?
    public var embeddings: [[Float]]?
}

/// A `query`: by texts or by embeddings, batched.
public struct QueryRequest: Sendable {
    public enum Queries: Sendable {
        case texts([String])
        case embeddings([[Float]])
    }

    public var queries: Queries
    public var nResults: Int
    public var filter: WhereFilter?
    public var documentFilter: DocumentFilter?
    public var include: Include
    /// Overrides the collection's `ef_search` for this query.
    public var ef: Int?

    public init(queries: Queries, nResults: Int = 10, filter: WhereFilter? = nil, documentFilter: DocumentFilter? = nil,
                include: Include = [.documents, .metadatas, .distances], ef: Int? = nil) {
        self.queries = queries
        self.nResults = nResults
        self.filter = filter
        self.documentFilter = documentFilter
        self.include = include
        self.ef = ef
    }
}

/// Results of a query: one list per query, closest first.
public struct QueryResult: Sendable, Equatable {
    public var ids: [[String]] = []
    public var distances: [[Float]]?
    public var documents: [[String?]]?
    public var metadatas: [[Metadata?]]?
    public var embeddings: [[[Float]]]?
}

/// Embeds documents and query texts for the store (the server adapts the embedding engine).
public protocol DocumentEmbedder: Sendable {
    /// The model's name, recorded with each collection.
    var modelName: String { get }
    /// Length of the vectors it returns.
    var dimension: Int { get }
    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
