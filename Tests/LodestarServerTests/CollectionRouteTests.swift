import Foundation
import Hummingbird
import Testing
@testable import LodestarServer

@Suite struct CollectionRouteTests {
    private static let docs = [
        ("f1", "Fractions: a fraction names part of a whole, written as numerator over denominator.", #"{"subject":"math","grade":6,"difficulty":2.5,"core":true}"#),
        ("f2", "To add fractions with unlike denominators, first find a common denominator.", #"{"subject":"math","grade":6,"difficulty":3.0,"core":false}"#),
        ("r1", "A ratio compares two quantities, such as 3 boys for every 4 girls.", #"{"subject":"math","grade":7,"difficulty":2.0,"core":true}"#),
        ("c1", "Cells are the basic unit of life; plant cells have a cell wall and chloroplasts.", #"{"subject":"science","grade":6,"difficulty":1.5,"core":true}"#),
        ("p1", "A force is a push or a pull; unbalanced forces change an object's motion.", #"{"subject":"science","grade":7,"difficulty":3.5}"#),
        ("n1", "Photosynthesis turns light, water and carbon dioxide into sugar and oxygen.", "null"),
    ]

    private func seed(_ client: Client) async throws {
        #expect(try await client.post("/api/v1/collections", #"{"name":"lessons","metadata":{"owner":"test"}}"#).status == .created)
        let ids = Self.docs.map { "\"\($0.0)\"" }.joined(separator: ",")
        let documents = Self.docs.map { "\"\($0.1)\"" }.joined(separator: ",")
        let metadatas = Self.docs.map(\.2).joined(separator: ",")
        let reply = try await client.post("/api/v1/collections/lessons/add", #"{"ids":[\#(ids)],"documents":[\#(documents)],"metadatas":[\#(metadatas)]}"#)
        #expect(reply.status == .created)
        #expect(reply.object["inserted"] as? Int == Self.docs.count)
    }

    private func ids(_ reply: Reply) -> [String] { reply.object["ids"] as? [String] ?? [] }
    private func queryIDs(_ reply: Reply) -> [[String]] { reply.object["ids"] as? [[String]] ?? [] }

    @Test func collectionRoutes() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let created = try await client.post("/api/v1/collections", #"{"name":"c1","metric":"l2","hnsw":{"M":8,"ef_construction":50,"ef_search":80},"metadata":{"a":1.0,"b":"x"}}"#)
            #expect(created.status == .created)
            #expect(created.object["metric"] as? String == "l2")
            #expect((created.object["hnsw"] as? [String: Any])?["ef_search"] as? Int == 80)
            #expect(created.text.contains(#""a":1.0"#))
            let conflict = try await client.post("/api/v1/collections", #"{"name":"c1"}"#)
            #expect(conflict.status == .conflict && conflict.errorCode == "collection_exists")
            let existing = try await client.post("/api/v1/collections", #"{"name":"c1","get_or_create":true}"#)
            #expect(existing.status == .ok && existing.object["id"] as? String == created.object["id"] as? String)
            let defaults = try await client.post("/api/v1/collections", #"{"name":"c2"}"#)
            #expect(defaults.object["metric"] as? String == "cosine")
            #expect(((defaults.object["hnsw"] as? [String: Any])?["ef_search"] as? Int ?? 0) >= 64)
            #expect(defaults.object["embedding_model"] as? String == "all-MiniLM-L6-v2")
            // Chroma's other spellings: hnsw:* metadata (before 1.0) and configuration.hnsw (1.x).
            let legacy = try await client.post("/api/v1/collections", #"{"name":"c3","metadata":{"hnsw:space":"ip","hnsw:M":12,"hnsw:search_ef":70}}"#)
            #expect(legacy.object["metric"] as? String == "ip")
            #expect((legacy.object["hnsw"] as? [String: Any])?["M"] as? Int == 12)
            #expect((legacy.object["hnsw"] as? [String: Any])?["ef_search"] as? Int == 70)
            let modern = try await client.post("/api/v1/collections", #"{"name":"c4","configuration":{"hnsw":{"space":"l2","max_neighbors":10,"ef_construction":60}}}"#)
            #expect(modern.object["metric"] as? String == "l2")
            #expect((modern.object["hnsw"] as? [String: Any])?["M"] as? Int == 10)
            #expect((modern.object["hnsw"] as? [String: Any])?["ef_construction"] as? Int == 60)
            let badM = try await client.post("/api/v1/collections", #"{"name":"c5","metadata":{"hnsw:M":"many"}}"#)
            #expect(badM.status == .badRequest)
            #expect(try await client.send(.delete, "/api/v1/collections/c3").status == .ok)
            #expect(try await client.send(.delete, "/api/v1/collections/c4").status == .ok)
            let list = try await client.get("/api/v1/collections")
            #expect((list.json as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["c1", "c2"])
            #expect(try await client.get("/api/v1/collections/c2").object["name"] as? String == "c2")
            #expect(try await client.send(.delete, "/api/v1/collections/c2").status == .ok)
            let gone = try await client.get("/api/v1/collections/c2")
            #expect(gone.status == .notFound && gone.errorCode == "collection_not_found")
            #expect(try await client.send(.delete, "/api/v1/collections/c2").status == .notFound)
            let unknownRoute = try await client.get("/api/v1/nothing-here")
            #expect(unknownRoute.status == .notFound && unknownRoute.errorCode != nil)
        }
    }

    @Test func recordRoutesEmbedStoreAndQuery() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await seed(client)
            #expect(try await client.get("/api/v1/collections/lessons/count").text == "6")
            // query by text: the engine embeds it, nearest first
            let byText = try await client.post("/api/v1/collections/lessons/query",
                                               #"{"query_texts":["how do I add two fractions?","what do plants make from sunlight?"],"n_results":2}"#)
            #expect(byText.status == .ok)
            #expect(queryIDs(byText).map(\.first) == ["f2", "n1"])
            let distances = byText.object["distances"] as? [[Double]] ?? []
            #expect(distances.count == 2 && distances[0][0] <= distances[0][1])
            #expect((byText.object["documents"] as? [[String]])?[0][0] == Self.docs[1].1)
            #expect(byText.object["embeddings"] is NSNull)
            // the same query by embedding gives the same answer
            let embedded = try await client.post("/api/v1/embed", #"{"texts":["how do I add two fractions?"]}"#)
            let vector = try #require((embedded.object["embeddings"] as? [[Double]])?.first)
            #expect(vector.count == 384 && abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
            let vectorJSON = "[" + vector.map { "\($0)" }.joined(separator: ",") + "]"
            let byVector = try await client.post("/api/v1/collections/lessons/query",
                                                 #"{"query_embeddings":[\#(vectorJSON)],"n_results":2,"include":["distances","embeddings"]}"#)
            #expect(queryIDs(byVector) == [queryIDs(byText)[0]])
            #expect(abs(((byVector.object["distances"] as? [[Double]])?[0][0] ?? 9) - distances[0][0]) < 1e-5)
            #expect(((byVector.object["embeddings"] as? [[[Double]]])?[0][0].count ?? 0) == 384)
            #expect(byVector.object["documents"] is NSNull)
            // get by ids and include
            let got = try await client.post("/api/v1/collections/lessons/get", #"{"ids":["r1","c1"],"include":["metadatas"]}"#)
            #expect(ids(got) == ["r1", "c1"])
            #expect(got.object["documents"] is NSNull)
            #expect(got.text.contains(#""difficulty":2.0"#))
            // update merges metadata; upsert inserts and updates; the document is re-embedded
            let updated = try await client.post("/api/v1/collections/lessons/update",
                                                #"{"ids":["n1","missing"],"documents":["Gravity is a force that pulls masses together.","x"],"metadatas":[{"subject":"science"},null]}"#)
            #expect(updated.status == .ok)
            #expect(updated.object["updated"] as? Int == 1 && updated.object["ignored_ids"] as? [String] == ["missing"])
            let gravity = try await client.post("/api/v1/collections/lessons/query", #"{"query_texts":["why do things fall down"],"n_results":1}"#)
            #expect(queryIDs(gravity) == [["n1"]])
            let upserted = try await client.post("/api/v1/collections/lessons/upsert",
                                                 #"{"ids":["n1","e1"],"documents":["Gravity pulls masses together.","An equation states two expressions are equal."],"metadatas":[null,{"subject":"math","grade":7}]}"#)
            #expect(upserted.object["inserted"] as? Int == 1 && upserted.object["updated"] as? Int == 1)
            // n_results beyond the collection returns what there is
            let everything = try await client.post("/api/v1/collections/lessons/query", #"{"query_texts":["x"],"n_results":1000000000}"#)
            #expect(queryIDs(everything).first?.count == 7)
            let peek = try await client.get("/api/v1/collections/lessons/peek?limit=2")
            #expect(ids(peek) == ["f1", "f2"])
            for bad in ["abc", "-1", "2.5", ""] {
                let refused = try await client.get("/api/v1/collections/lessons/peek?limit=\(bad)")
                #expect(refused.status == .badRequest, "peek?limit=\(bad)")
                #expect(refused.text.contains("invalid_argument"))
            }
            // delete by filter, then by ids
            let deleted = try await client.post("/api/v1/collections/lessons/delete", #"{"where":{"subject":"science"}}"#)
            #expect((deleted.object["deleted"] as? [String])?.sorted() == ["c1", "n1", "p1"])
            #expect(try await client.post("/api/v1/collections/lessons/delete", #"{"ids":["e1"]}"#).status == .ok)
            #expect(try await client.get("/api/v1/collections/lessons/count").text == "3")
            let remaining = try await client.post("/api/v1/collections/lessons/query", #"{"query_texts":["plant cells"],"n_results":10}"#)
            #expect(Set(queryIDs(remaining)[0]) == ["f1", "f2", "r1"])
        }
    }

    @Test(arguments: [
        (#"{"subject":"math"}"#, ["f1", "f2", "r1"]),
        (#"{"subject":{"$eq":"science"}}"#, ["c1", "p1"]),
        (#"{"subject":{"$ne":"math"}}"#, ["c1", "p1", "n1"]),
        (#"{"grade":{"$gt":6}}"#, ["r1", "p1"]),
        (#"{"grade":{"$gte":7}}"#, ["r1", "p1"]),
        (#"{"difficulty":{"$lt":2.5}}"#, ["r1", "c1"]),
        (#"{"difficulty":{"$lte":2.5}}"#, ["f1", "r1", "c1"]),
        (#"{"grade":{"$in":[7,8]}}"#, ["r1", "p1"]),
        (#"{"subject":{"$nin":["math"]}}"#, ["c1", "p1", "n1"]),
        (#"{"$and":[{"subject":"math"},{"core":true}]}"#, ["f1", "r1"]),
        (#"{"$or":[{"grade":7},{"core":false}]}"#, ["f2", "r1", "p1"]),
        (#"{"core":{"$ne":true}}"#, ["f2", "p1", "n1"]),
    ])
    func everyWhereOperator(_ filter: String, _ expected: [String]) async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await seed(client)
            let got = try await client.post("/api/v1/collections/lessons/get", #"{"where":\#(filter)}"#)
            #expect(got.status == .ok)
            #expect(ids(got) == expected)
            let queried = try await client.post("/api/v1/collections/lessons/query",
                                                #"{"query_texts":["fractions"],"n_results":10,"where":\#(filter)}"#)
            #expect(Set(queryIDs(queried).first ?? []) == Set(expected))
        }
    }

    @Test func whereDocumentLimitsAndOffsets() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await seed(client)
            #expect(ids(try await client.post("/api/v1/collections/lessons/get", #"{"where_document":{"$contains":"fraction"}}"#)) == ["f1", "f2"])
            #expect(ids(try await client.post("/api/v1/collections/lessons/get", #"{"where_document":{"$contains":"Fraction"}}"#)) == ["f1"])
            #expect(ids(try await client.post("/api/v1/collections/lessons/get", #"{"where_document":{"$not_contains":"a"}}"#)) == [])
            #expect(ids(try await client.post("/api/v1/collections/lessons/get",
                                              #"{"where_document":{"$or":[{"$contains":"ratio"},{"$contains":"force"}]},"where":{"grade":7}}"#)) == ["r1", "p1"])
            #expect(ids(try await client.post("/api/v1/collections/lessons/get", #"{"limit":2,"offset":1}"#)) == ["f2", "r1"])
            let filtered = try await client.post("/api/v1/collections/lessons/query",
                                                 #"{"query_texts":["living things"],"n_results":3,"where_document":{"$contains":"cell"}}"#)
            #expect(queryIDs(filtered) == [["c1"]])
        }
    }

    @Test(arguments: [
        ("/api/v1/collections/lessons/add", #"{"ids":["x"],"documents":["a"]"#, HTTPResponse.Status.badRequest, "invalid_json"),
        ("/api/v1/collections/lessons/add", "not json", .badRequest, "invalid_json"),
        ("/api/v1/collections/lessons/add", #"{"ids":"x","documents":["a"]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/add", #"{"ids":["x"],"documents":[3]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/add", #"{"documents":["a"]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/add", #"{"ids":["x","x"],"documents":["a","b"]}"#, .badRequest, "duplicate_ids"),
        ("/api/v1/collections/lessons/add", #"{"ids":["x"],"embeddings":[[0.1,0.2,0.3]]}"#, .badRequest, "dimension_mismatch"),
        ("/api/v1/collections/lessons/add", #"{"ids":["x"],"documents":["a"],"metadatas":[{"k":[1,2]}]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/add", #"{"ids":["x"],"documents":["a"],"metadatas":[{"k":{"a":1}}]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/add", #"{"ids":["x","y"],"documents":["a"]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/add", #"[1,2]"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/nope/add", #"{"ids":["x"],"documents":["a"]}"#, .notFound, "collection_not_found"),
        ("/api/v1/collections/lessons/upsert", #"{"ids":["x"]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/get", #"{"where":{"grade":{"$regex":"7"}}}"#, .badRequest, "invalid_filter"),
        ("/api/v1/collections/lessons/get", #"{"where":{"grade":{"$gt":"7"}}}"#, .badRequest, "invalid_filter"),
        ("/api/v1/collections/lessons/get", #"{"where_document":{"$like":"a"}}"#, .badRequest, "invalid_filter"),
        ("/api/v1/collections/lessons/get", #"{"include":["uris"]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/get", #"{"limit":-1}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/query", #"{"query_embeddings":[[1,2]]}"#, .badRequest, "dimension_mismatch"),
        ("/api/v1/collections/lessons/query", #"{"n_results":3}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/query", #"{"query_texts":["a"],"n_results":0}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/query", #"{"query_texts":["a"],"where":{"$nor":[]}}"#, .badRequest, "invalid_filter"),
        ("/api/v1/collections/lessons/query", #"{"query_texts":["a"],"ef":1000000000}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/query", #"{"query_texts":["a"],"n_results":1.5}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/add", #"{"ids":["x"],"embeddings":[[1e999]]}"#, .badRequest, "invalid_json"),
        ("/api/v1/collections/lessons/add", #"{"ids":["x"],"embeddings":[[1e300]]}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections/lessons/get", String(repeating: "[", count: 5000), .badRequest, "invalid_json"),
        ("/api/v1/collections/lessons/delete", "{}", .badRequest, "invalid_argument"),
        ("/api/v1/collections", #"{"name":"bad name!"}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections", #"{"name":"m","metric":"manhattan"}"#, .badRequest, "invalid_argument"),
        ("/api/v1/collections", #"{"name":"m","hnsw":{"M":0}}"#, .badRequest, "invalid_argument"),
        ("/api/v1/embed", #"{"texts":"abc"}"#, .badRequest, "invalid_argument"),
    ])
    func badInputIsRefusedAndStoresNothing(_ uri: String, _ body: String, _ status: HTTPResponse.Status, _ code: String) async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await seed(client)
            let before = try await client.post("/api/v1/collections/lessons/get", #"{"include":["documents","metadatas","embeddings"]}"#).text
            let reply = try await client.post(uri, body)
            #expect(reply.status == status, "\(reply.text)")
            #expect(reply.errorCode == code, "\(reply.text)")
            #expect(reply.errorMessage?.isEmpty == false)
            let after = try await client.post("/api/v1/collections/lessons/get", #"{"include":["documents","metadatas","embeddings"]}"#).text
            #expect(after == before)
            #expect((try await client.get("/api/v1/collections").json as? [Any])?.count == 1)
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let harness = try await Harness(maxBodyBytes: 4096)
        defer { harness.cleanup() }
        try await harness.run { client in
            try await seed(client)
            let big = String(repeating: "word ", count: 2000)
            let reply = try await client.post("/api/v1/collections/lessons/add", #"{"ids":["big"],"documents":["\#(big)"]}"#)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorCode == "payload_too_large")
            #expect(try await client.get("/api/v1/collections/lessons/count").text == "6")
        }
    }

    @Test func systemRoutes() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            try await seed(client)
            _ = try await client.post("/api/v1/collections/lessons/query", #"{"query_texts":["ratios"]}"#)
            let health = try await client.get("/healthz")
            #expect(health.status == .ok && health.object["status"] as? String == "ok")
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"lodestar_http_requests_total{method="POST",route="/api/v1/collections/{name}/query",status="200"} 1"#), "\(metrics)")
            #expect(metrics.contains("lodestar_http_request_duration_seconds_bucket"))
            #expect(metrics.contains(#"lodestar_index_operation_duration_seconds_count{operation="query"} 1"#))
            #expect(metrics.contains(#"lodestar_index_operation_duration_seconds_count{operation="write"} 1"#))
            let openapi = try await client.get("/openapi.json").object
            #expect(openapi["openapi"] as? String == "3.1.0")
            let paths = Set((openapi["paths"] as? [String: Any] ?? [:]).keys)
            for path in ["/api/v1/collections", "/api/v1/collections/{name}", "/api/v1/collections/{name}/add",
                         "/api/v1/collections/{name}/upsert", "/api/v1/collections/{name}/update", "/api/v1/collections/{name}/get",
                         "/api/v1/collections/{name}/query", "/api/v1/collections/{name}/delete", "/api/v1/collections/{name}/count",
                         "/api/v1/embed", "/healthz", "/metrics", "/openapi.json", "/api/v1/import", "/api/v1/assessments/submit",
                         "/api/v1/assessments/batch-grade", "/api/v1/adaptive/students/{student_id}/path",
                         "/api/v1/adaptive/classes/{class_id}/plan", "/api/v1/students/{id}", "/api/v1/students/{id}/knowledge-state",
                         "/api/v1/classes/{id}/students", "/ws/dashboard/{class_id}", "/ws/student/{student_id}", "/ws/pipeline", "/ws/status"] {
                #expect(paths.contains(path), "\(path)")
            }
        }
    }
}
