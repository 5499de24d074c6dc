import Hummingbird
import VectorStore

/// `/api/v1/collections...` and `/api/v1/embed`: the Chroma-style store over HTTP.
///
/// Rights: admins do everything; teachers read (list, get, query, count, peek); every role may
/// embed texts.
struct CollectionRoutes {
    let store: Store
    let metrics: ServiceMetrics
    let maxBodyBytes: Int
    var pipeline = PipelineReporter(publisher: nil)

    private static let readers: Set<Role> = [.admin, .teacher]
    private static let writers: Set<Role> = [.admin]

    func register(on api: RouterGroup<LodestarRequestContext>) {
        api.post("collections") { request, context in try await create(request, context) }
        api.get("collections") { _, context in
            try context.require(Self.readers, to: "list collections")
            var output = JSONOutput()
            output.array { a in for info in store.listCollections() { a.collection(info) } }
            return output.response()
        }
        api.get("collections/{name}") { _, context in
            try context.require(Self.readers, to: "read collections")
            var output = JSONOutput()
            output.collection(try store.collection(named: try context.parameters.require("name")))
            return output.response()
        }
        api.delete("collections/{name}") { _, context in
            try context.require(Self.writers, to: "delete collections")
            let name = try context.parameters.require("name")
            try await store.deleteCollection(named: name)
            var output = JSONOutput()
            output.object { o in o.field("deleted", name) }
            return output.response()
        }
        for mode in [Store.WriteMode.add, .upsert, .update] {
            api.post("collections/{name}/\(mode.rawValue)") { request, context in try await write(request, context, mode: mode) }
        }
        api.post("collections/{name}/get") { request, context in try await get(request, context) }
        api.post("collections/{name}/query") { request, context in try await query(request, context) }
        api.post("collections/{name}/delete") { request, context in try await delete(request, context) }
        api.get("collections/{name}/count") { _, context in
            try context.require(Self.readers, to: "read collections")
            var output = JSONOutput()
            output.int(try store.count(try context.parameters.require("name")))
            return output.response()
        }
        api.get("collections/{name}/peek") { request, context in
            try context.require(Self.readers, to: "read collections")
            var limit = 10
            if let text = request.uri.queryParameters.get("limit") {
                guard let value = Int(text) else { throw APIError.badRequest("limit must be a non-negative integer, got '\(text)'") }
                limit = value
            }
            let result = try store.peek(try context.parameters.require("name"), limit: limit)
            var output = JSONOutput()
            output.getResult(result, include: [.documents, .metadatas, .embeddings])
            return output.response()
        }
        api.post("embed") { request, context in try await embed(request, context) }
    }

    private func create(_ request: Request, _ context: LodestarRequestContext) async throws -> Response {
        try context.require(Self.writers, to: "create collections")
        var request = request
        let body = try CreateCollectionBody(try await request.jsonObject(limit: maxBodyBytes))
        let (info, created) = try store.createCollection(body.spec, getOrCreate: body.getOrCreate)
        var output = JSONOutput()
        output.collection(info)
        return output.response(status: created ? .created : .ok)
    }

    private func write(_ request: Request, _ context: LodestarRequestContext, mode: Store.WriteMode) async throws -> Response {
        try context.require(Self.writers, to: "write records")
        let name = try context.parameters.require("name")
        var request = request
        let batch = try RecordsBody.batch(try await request.jsonObject(limit: maxBodyBytes))
        let toEmbed = batch.embeddings == nil ? (batch.documents?.compactMap { $0 }.count ?? 0) : 0
        let summary = try await pipeline.track(job: "collection_write", message: "\(mode) of \(batch.ids.count) records to \(name)",
                                               fields: ["collection": .string(name), "records": .int(Int64(batch.ids.count)),
                                                        "documents_to_embed": .int(Int64(toEmbed))]) { [metrics, store] _ in
            try await metrics.timeIndex("write") { try await store.write(name, batch, mode: mode) }
        }
        var output = JSONOutput()
        output.object { o in
            o.field("inserted", summary.inserted)
            o.field("updated", summary.updated)
            o.key("ignored_ids")
            o.strings(summary.ignoredIDs)
        }
        return output.response(status: mode == .add ? .created : .ok)
    }

    private func get(_ request: Request, _ context: LodestarRequestContext) async throws -> Response {
        try context.require(Self.readers, to: "read collections")
        let name = try context.parameters.require("name")
        var request = request
        let body = try await request.jsonObject(limit: maxBodyBytes)
        let include = try Filters.include(body, default: ["documents", "metadatas"], distances: false)
        let result = try store.get(name, GetRequest(ids: try body.optional("ids", JSONField.array(JSONField.string)),
                                                    filter: try Filters.metadata(body, limits: store.limits.filter), documentFilter: try Filters.document(body, limits: store.limits.filter),
                                                    limit: try body.optional("limit", JSONField.int),
                                                    offset: try body.optional("offset", JSONField.int) ?? 0, include: include))
        var output = JSONOutput()
        output.getResult(result, include: include)
        return output.response()
    }

    private func query(_ request: Request, _ context: LodestarRequestContext) async throws -> Response {
        try context.require(Self.readers, to: "query collections")
        let name = try context.parameters.require("name")
        var request = request
        let body = try await request.jsonObject(limit: maxBodyBytes)
        let queries: QueryRequest.Queries
        switch (try body.optional("query_texts", JSONField.array(JSONField.string)),
                try body.optional("query_embeddings", JSONField.array(JSONField.vector))) {
        case let (texts?, nil): queries = .texts(texts)
        case let (nil, embeddings?): queries = .embeddings(embeddings)
        case (nil, nil): throw APIError.badRequest("query needs query_texts or query_embeddings")
        case (_?, _?): throw APIError.badRequest("give query_texts or query_embeddings, not both")
        }
        let include = try Filters.include(body, default: ["metadatas", "documents", "distances"], distances: true)
        let query = QueryRequest(queries: queries, nResults: try body.optional("n_results", JSONField.int) ?? 10,
                                 filter: try Filters.metadata(body, limits: store.limits.filter), documentFilter: try Filters.document(body, limits: store.limits.filter), include: include,
                                 ef: try body.optional("ef", JSONField.int))
        let result = try await metrics.timeIndex("query") { try await store.query(name, query) }
        var output = JSONOutput()
        output.queryResult(result, include: include)
        return output.response()
    }

    private func delete(_ request: Request, _ context: LodestarRequestContext) async throws -> Response {
        try context.require(Self.writers, to: "delete records")
        let name = try context.parameters.require("name")
        var request = request
        let body = try await request.jsonObject(limit: maxBodyBytes)
        let ids = try body.optional("ids", JSONField.array(JSONField.string))
        let filter = try Filters.metadata(body, limits: store.limits.filter)
        let documentFilter = try Filters.document(body, limits: store.limits.filter)
        let deleted = try await metrics.timeIndex("delete") {
            try await store.delete(name, ids: ids, filter: filter, documentFilter: documentFilter)
        }
        var output = JSONOutput()
        output.object { o in
            o.key("deleted")
            o.strings(deleted)
        }
        return output.response()
    }

    private func embed(_ request: Request, _ context: LodestarRequestContext) async throws -> Response {
        try context.require([.admin, .teacher, .student], to: "embed texts")
        var request = request
        let texts = try await request.jsonObject(limit: maxBodyBytes).required("texts", JSONField.array(JSONField.string))
        guard let embedder = store.embedder else {
            throw APIError(.serviceUnavailable, code: "embedding_unavailable", message: "no embedding model is loaded")
        }
        guard texts.count <= store.limits.maxQueries else {
            throw APIError.badRequest("at most \(store.limits.maxQueries) texts per request, got \(texts.count)")
        }
        let vectors = try await embedder.embed(texts)
        var output = JSONOutput()
        output.object { o in
            o.field("model", embedder.modelName)
            o.field("dimension", embedder.dimension)
            o.key("embeddings")
            o.array { a in for vector in vectors { a.floats(vector) } }
        }
        return output.response()
    }
}

extension JSONOutput {
    mutating func collection(_ info: CollectionInfo) {
        object { o in
            o.field("id", info.id)
            o.field("name", info.name)
            o.key("metadata")
            o.metadata(info.metadata)
            o.field("metric", info.metric.rawValue)
            o.key("hnsw")
            o.object { h in
                h.field("M", info.hnsw.M)
                h.field("ef_construction", info.hnsw.efConstruction)
                h.field("ef_search", info.hnsw.efSearch)
            }
            o.field("embedding_model", info.embeddingModel)
            o.key("dimension")
            if let dimension = info.dimension { o.int(dimension) } else { o.null() }
            o.field("count", info.count)
        }
    }

    mutating func getResult(_ result: GetResult, include: Include) {
        object { o in
            o.key("ids")
            o.strings(result.ids)
            o.key("documents")
            if let documents = result.documents { o.array { a in for d in documents { a.optionalString(d) } } } else { o.null() }
            o.key("metadatas")
            if let metadatas = result.metadatas { o.array { a in for m in metadatas { a.metadata(m) } } } else { o.null() }
            o.key("embeddings")
            if let embeddings = result.embeddings { o.array { a in for e in embeddings { a.floats(e) } } } else { o.null() }
            o.key("include")
            o.strings(include.names)
        }
    }

    mutating func queryResult(_ result: QueryResult, include: Include) {
        object { o in
            o.key("ids")
            o.array { a in for ids in result.ids { a.strings(ids) } }
            o.key("distances")
            if let distances = result.distances { o.array { a in for d in distances { a.floats(d) } } } else { o.null() }
            o.key("documents")
            if let documents = result.documents {
                o.array { a in for list in documents { a.array { b in for d in list { b.optionalString(d) } } } }
            } else { o.null() }
            o.key("metadatas")
            if let metadatas = result.metadatas {
                o.array { a in for list in metadatas { a.array { b in for m in list { b.metadata(m) } } } }
            } else { o.null() }
            o.key("embeddings")
            if let embeddings = result.embeddings {
                o.array { a in for list in embeddings { a.array { b in for e in list { b.floats(e) } } } }
            } else { o.null() }
            o.key("include")
            o.strings(include.names)
        }
    }
}

extension Include {
    var names: [String] {
        var names: [String] = []
        if contains(.documents) { names.append("documents") }
        if contains(.metadatas) { names.append("metadatas") }
        if contains(.embeddings) { names.append("embeddings") }
        if contains(.distances) { names.append("distances") }
        return names
    }
}
