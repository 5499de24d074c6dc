import VectorIndex
import VectorStore

/// Request bodies of the collection routes (field names as in Chroma's HTTP API).
struct CreateCollectionBody {
    var spec: CollectionSpec
    var getOrCreate: Bool

    init(_ body: JSONObject) throws {
        let name = try body.required("name", JSONField.string)
        let metadata = try Metadata.parse(body.value("metadata"), what: "metadata")
        // Chroma's ways to set the index, weakest first: `hnsw:*` metadata keys (before 1.0),
        // `configuration.hnsw` (1.x), then this API's own `metric` and `hnsw`.
        let configured = try body.optional("configuration", JSONField.object)?.optional("hnsw", JSONField.object)
        var metricName = try body.optional("metric", JSONField.string) ?? configured?.optional("space", JSONField.string)
        if metricName == nil, case let .string(space)? = metadata?["hnsw:space"] { metricName = space }
        var metric = Metric.cosine
        if let metricName {
            guard let parsed = Metric(rawValue: metricName) ?? (metricName == "inner_product" ? .innerProduct : nil) else {
                throw APIError.badRequest("metric must be one of cosine, l2, ip; got '\(metricName)'")
            }
            metric = parsed
        }
        var settings = HNSWSettings()
        for (key, path) in [("hnsw:M", \HNSWSettings.M), ("hnsw:construction_ef", \.efConstruction), ("hnsw:search_ef", \.efSearch)] {
            switch metadata?[key] {
            case let .int(value)?: settings[keyPath: path] = Int(clamping: value)
            case nil: break
            case .some: throw APIError.badRequest("metadata '\(key)' must be an integer")
            }
        }
        if let configured {
            if let M = try configured.optional("max_neighbors", JSONField.int) { settings.M = M }
            if let value = try configured.optional("ef_construction", JSONField.int) { settings.efConstruction = value }
            if let value = try configured.optional("ef_search", JSONField.int) { settings.efSearch = value }
        }
        if let hnsw = try body.optional("hnsw", JSONField.object) {
            if let M = try hnsw.optional("M", JSONField.int) { settings.M = M }
            if let value = try hnsw.optional("ef_construction", JSONField.int) { settings.efConstruction = value }
            if let value = try hnsw.optional("ef_search", JSONField.int) { settings.efSearch = value }
        }
        spec = CollectionSpec(name: name, metadata: metadata, metric: metric, hnsw: settings,
                              embeddingModel: try body.optional("embedding_model", JSONField.string))
        getOrCreate = try body.optional("get_or_create", JSONField.bool) ?? false
    }
}

enum RecordsBody {
    static func batch(_ body: JSONObject) throws -> RecordBatch {
        let ids = try body.required("ids", JSONField.array(JSONField.string))
        let documents = try body.optional("documents", JSONField.arrayOfOptionals(JSONField.string))
        let embeddings = try body.optional("embeddings", JSONField.arrayOfOptionals(JSONField.vector))
        let metadatas = try body.optional("metadatas", JSONField.arrayOfOptionals { value, path -> [String: MetadataValue?] in
            let object = try JSONField.object(value, path)
            var patch: [String: MetadataValue?] = [:]
            for (key, item) in object.fields {
                // null removes the key in an update
                patch[key] = item == .null ? .some(nil) : try MetadataValue(json: item, key: key)
            }
            return patch
        })
        return RecordBatch(ids: ids, documents: documents, metadatas: metadatas, embeddings: embeddings)
    }
}

enum Filters {
    /// A `where` filter; absent, `null` and `{}` mean none (as in Chroma).
    static func metadata(_ body: JSONObject, limits: FilterLimits) throws -> WhereFilter? {
        guard let json = body.value("where"), json != .object([:]) else { return nil }
        return try WhereFilter.parse(json, limits: limits)
    }

    /// A `where_document` filter; absent, `null` and `{}` mean none.
    static func document(_ body: JSONObject, limits: FilterLimits) throws -> DocumentFilter? {
        guard let json = body.value("where_document"), json != .object([:]) else { return nil }
        return try DocumentFilter.parse(json, limits: limits)
    }

    static func include(_ body: JSONObject, default names: [String], distances: Bool) throws -> Include {
        try Include.parse(try body.optional("include", JSONField.array(JSONField.string)) ?? names, allowDistances: distances)
    }
}
