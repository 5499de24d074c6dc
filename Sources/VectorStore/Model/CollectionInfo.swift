import VectorIndex

/// HNSW parameters of a collection.
public struct HNSWSettings: Sendable, Equatable, Codable {
    /// Links per node (level 0 has `2M`).
    public var M: Int
    /// Candidate list size while inserting.
    public var efConstruction: Int
    /// Candidate list size while querying (at least `n_results` is used).
    public var efSearch: Int

    /// The defaults: M 16, ef_construction 200, ef_search 100.
    public init(M: Int = 16, efConstruction: Int = 200, efSearch: Int = 100) {
        self.M = M
        self.efConstruction = efConstruction
        self.efSearch = efSearch
    }

    enum CodingKeys: String, CodingKey {
        case M
        case efConstruction = "ef_construction"
        case efSearch = "ef_search"
    }

    func validate() throws(StoreError) {
        guard (2...256).contains(M) else { throw .invalidArgument("hnsw.M must be between 2 and 256") }
        guard (1...10_000).contains(efConstruction) else { throw .invalidArgument("hnsw.ef_construction must be between 1 and 10000") }
        guard (1...10_000).contains(efSearch) else { throw .invalidArgument("hnsw.ef_search must be between 1 and 10000") }
    }
}

/// What a new collection is made of.
public struct CollectionSpec: Sendable, Equatable {
    public var name: String
    public var metadata: Metadata?
    public var metric: Metric
    public var hnsw: HNSWSettings
    /// The model that embeds its documents and query texts; `nil`: the store's default model.
    public var embeddingModel: String?

    public init(name: String, metadata: Metadata? = nil, metric: Metric = .cosine,
                hnsw: HNSWSettings = HNSWSettings(), embeddingModel: String? = nil) {
        self.name = name
        self.metadata = metadata
        self.metric = metric
        self.hnsw = hnsw
        self.embeddingModel = embeddingModel
    }

    /// Chroma's rules for names: 1-512 characters of `[a-zA-Z0-9._-]`, starting and ending with
    /// a letter or digit.
    static func validate(name: String) throws(StoreError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        func alphanumeric(_ c: Character?) -> Bool { c.map { $0.isASCII && ($0.isLetter || $0.isNumber) } ?? false }
        guard !name.isEmpty, name.utf8.count <= 512, allowed, alphanumeric(name.first), alphanumeric(name.last) else {
            throw .invalidArgument("collection name '\(name)' is invalid: use 1-512 characters of [a-zA-Z0-9._-], starting and ending with a letter or digit")
        }
    }
}

/// A stored collection.
public struct CollectionInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var metadata: Metadata?
    public var metric: Metric
    public var hnsw: HNSWSettings
    public var embeddingModel: String
    /// Set by the first stored embedding.
    public var dimension: Int?
    public var count: Int
}
