import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VectorStore
@testable import LodestarServer

/// What a probe of the running service found and what must hold now: tokens are checked for what
/// they claim and can be revoked, no route hands one out, limits answer 4xx, 5xx bodies say
/// nothing of their cause, malformed or slow HTTP is answered and closed at once.
@Suite struct HardeningTests {
    /// A token signed with `secret` over exactly this header and these claims.
    static func forge(header: [String: Any], claims: [String: Any], secret: String = Harness.secret) throws -> String {
        func encode(_ object: [String: Any]) throws -> String {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).base64URL
        }
        let signingInput = try encode(header) + "." + encode(claims)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return signingInput + "." + Data(signature).base64URL
    }

    static func claims(role: String = "admin", id: String? = "token-1", extra: [String: Any] = [:]) -> [String: Any] {
        var claims: [String: Any] = ["sub": "probe", "role": role, "iat": Date().timeIntervalSince1970, "exp": Date().timeIntervalSince1970 + 3600]
        if let id { claims["jti"] = id }
        return claims.merging(extra) { $1 }
    }

    @Test func tokensMustSayWhatTheServerSigns() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let good = try Self.forge(header: ["alg": "HS256", "typ": "JWT"], claims: Self.claims())
        let refused: [(String, String)] = [
            ("alg none", try Self.forge(header: ["alg": "none", "typ": "JWT"], claims: Self.claims())),
            ("alg None", try Self.forge(header: ["alg": "None"], claims: Self.claims())),
            ("alg HS512", try Self.forge(header: ["alg": "HS512"], claims: Self.claims())),
            ("alg RS256", try Self.forge(header: ["alg": "RS256"], claims: Self.claims())),
            ("no alg", try Self.forge(header: ["typ": "JWT"], claims: Self.claims())),
            ("kid", try Self.forge(header: ["alg": "HS256", "kid": "other"], claims: Self.claims())),
            ("jku", try Self.forge(header: ["alg": "HS256", "jku": "http://127.0.0.1:1/keys"], claims: Self.claims())),
            ("jwk", try Self.forge(header: ["alg": "HS256", "jwk": ["kty": "oct", "k": "AA"]], claims: Self.claims())),
            ("crit", try Self.forge(header: ["alg": "HS256", "crit": ["exp"]], claims: Self.claims())),
            ("typ", try Self.forge(header: ["alg": "HS256", "typ": "JWE"], claims: Self.claims())),
            ("no id", try Self.forge(header: ["alg": "HS256"], claims: Self.claims(id: nil))),
            ("empty id", try Self.forge(header: ["alg": "HS256"], claims: Self.claims(id: ""))),
            ("demo", try Self.forge(header: ["alg": "HS256"], claims: Self.claims(extra: ["demo": true]))),
            ("four parts", good + ".x"),
            ("header not JSON", "bm90IGpzb24." + good.split(separator: ".").dropFirst().joined(separator: ".")),
        ]
        try await harness.run { client in
            #expect(try await client.with(token: good).get("/api/v1/collections").status == .ok)
            for (name, token) in refused {
                let reply = try await client.with(token: token).get("/api/v1/collections")
                #expect(reply.status == .unauthorized, "\(name)")
                #expect(reply.errorCode == "unauthorized", "\(name)")
            }
        }
    }

    @Test func revokedTokensAreRefusedAtOnce() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let first = try await harness.token(.admin)
        let second = try await harness.token(.admin)
        let firstID = try await harness.authority.verify(first).id?.value ?? ""
        try await harness.run { client in
            #expect(try await client.with(token: first).get("/api/v1/collections").status == .ok)
            try TokenRevocations.update(directory: harness.directory) { $0.ids[firstID] = Date().timeIntervalSince1970 + 3600 }
            #expect(try await client.with(token: first).get("/api/v1/collections").status == .unauthorized)
            #expect(try await client.with(token: second).get("/api/v1/collections").status == .ok)
            try TokenRevocations.update(directory: harness.directory) { $0.revokedBefore = Date().timeIntervalSince1970 }
            #expect(try await client.with(token: second).get("/api/v1/collections").status == .unauthorized)
            let third = try await harness.token(.admin)
            #expect(try await client.with(token: third).get("/api/v1/collections").status == .ok)
        }
        // The list keeps ids only while their tokens live; a damaged list refuses what came before it.
        let list = try TokenRevocations.read(harness.directory + "/revoked-tokens.json")
        #expect(list.ids[firstID] != nil)
        try Data("{broken".utf8).write(to: URL(fileURLWithPath: harness.directory + "/revoked-tokens.json"))
        let revocations = TokenRevocations(directory: harness.directory, recheckInterval: 0)
        #expect(revocations.refuses(id: "any", issuedAt: Date().addingTimeInterval(-1)))
    }

    @Test func demoSignInTokensWorkOnlyWhileTheDemoIsServed() async throws {
        let serving = try await Harness(acceptsDemoTokens: true)
        defer { serving.cleanup() }
        let demo = try await serving.authority.sign(AccessClaims(subject: "demo-teacher", role: .teacher, classIDs: ["class_001"],
                                                                  expiration: Date().addingTimeInterval(600), demo: true))
        #expect(try await serving.authority.verify(demo).demo == true)
        let notServing = try await TokenAuthority(secret: Harness.secret)
        await #expect(throws: TokenAuthority.Failure.self) { try await notServing.verify(demo) }
    }

    @Test func noRouteHandsOutAToken() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.run { client in
            for path in ["/dashboard/config.json", "/", "/dashboard/app.js", "/openapi.json", "/healthz", "/metrics"] {
                let reply = try await client.with(token: nil).get(path)
                #expect(!reply.text.contains("eyJ"), "\(path) hands out something that looks like a JWT")
            }
        }
    }

    /// A 5xx says `internal error` and a request id, never its cause (SQL, paths); every response
    /// carries `X-Request-Id`.
    @Test func serverErrorsHideTheirDetail() async throws {
        let router = Router(context: LodestarRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.get("storage") { _, _ -> String in throw StoreError.storage("near \"SELECT r.id FROM records\": /var/lib/secret/lodestar.sqlite") }
        router.get("unknown") { _, _ -> String in throw CocoaError(.fileWriteOutOfSpace) }
        router.get("fine") { _, _ in "ok" }
        try await Application(router: router).test(.router) { client in
            for path in ["/storage", "/unknown"] {
                try await client.execute(uri: path, method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(response.status == .internalServerError)
                    let error = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "internal")
                    #expect(error?["message"] as? String == "internal error")
                    let id = try #require(error?["request_id"] as? String)
                    #expect(response.headers[.requestID] == id)
                    #expect(!text.contains("SELECT") && !text.contains("/var/lib") && !text.contains("space"), "\(text)")
                }
            }
            try await client.execute(uri: "/fine", method: .get, headers: [.requestID: "trace-42"]) { response in
                #expect(response.status == .ok && response.headers[.requestID] == "trace-42")
            }
            try await client.execute(uri: "/fine", method: .get, headers: [.requestID: "bad id\u{7f}"]) { response in
                #expect(response.headers[.requestID].map { $0 != "bad id\u{7f}" && !$0.isEmpty } == true)
            }
        }
    }

    @Test func requestLimitsAnswer400AndStoreNothing() async throws {
        let limits = StoreLimits(maxBatchSize: 5, maxQueries: 3, maxDimension: 8, maxResults: 100, filter: FilterLimits(maxTerms: 6, maxDepth: 3, maxValues: 50))
        let harness = try await Harness(storeLimits: limits)
        defer { harness.cleanup() }
        try await harness.run { client in
            #expect(try await client.post("/api/v1/collections", #"{"name":"l"}"#).status == .created)
            #expect(try await client.post("/api/v1/collections/l/add", #"{"ids":["a","b"],"embeddings":[[1,0,0],[0,1,0]]}"#).status == .created)
            let refused: [(String, String, String)] = [
                ("/api/v1/collections/l/query", #"{"query_texts":["a","b","c","d"]}"#, "invalid_argument"),
                ("/api/v1/collections/l/query", #"{"query_embeddings":[[1,0,0],[1,0,0],[1,0,0],[1,0,0]]}"#, "invalid_argument"),
                ("/api/v1/embed", #"{"texts":["a","b","c","d"]}"#, "invalid_argument"),
                ("/api/v1/collections/wide/add", #"{"ids":["w"],"embeddings":[[1,2,3,4,5,6,7,8,9]]}"#, "collection_not_found"),
                ("/api/v1/collections/l/add", #"{"ids":["1","2","3","4","5","6"],"embeddings":[[1,0,0],[1,0,0],[1,0,0],[1,0,0],[1,0,0],[1,0,0]]}"#, "invalid_argument"),
                ("/api/v1/collections/l/get", #"{"ids":["1","2","3","4","5","6"]}"#, "invalid_argument"),
                ("/api/v1/collections/l/delete", #"{"ids":["1","2","3","4","5","6"]}"#, "invalid_argument"),
                ("/api/v1/collections/l/get", #"{"where":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}}"#, "invalid_filter"),
                ("/api/v1/collections/l/get", #"{"where":{"$and":[{"$and":[{"$and":[{"$and":[{"a":1}]}]}]}]}}"#, "invalid_filter"),
                ("/api/v1/collections/l/query", #"{"query_embeddings":[[1,0,0]],"where":{"a":{"$in":[\#((0..<51).map(String.init).joined(separator: ","))]}}}"#, "invalid_filter"),
                ("/api/v1/collections/l/delete", #"{"where_document":{"$or":[\#(Array(repeating: #"{"$contains":"a"}"#, count: 7).joined(separator: ","))]}}"#, "invalid_filter"),
                ("/api/v1/collections/l/add", #"{"ids":["x\u0000alpha"],"embeddings":[[1,0,0]]}"#, "invalid_json"),
                ("/api/v1/collections/l/delete", #"{"ids":["a\u0000zzz"]}"#, "invalid_json"),
                ("/api/v1/collections/l/upsert", #"{"ids":["a"],"embeddings":[[1,0,0]],"metadatas":[{"k\u0000":1}]}"#, "invalid_json"),
            ]
            for (path, body, code) in refused {
                let reply = try await client.post(path, body)
                #expect(reply.status == (code == "collection_not_found" ? .notFound : .badRequest), "\(path) \(body.prefix(80))")
                #expect(reply.errorCode == code, "\(path) \(body.prefix(80)): \(reply.text)")
            }
            #expect(try await client.post("/api/v1/collections", #"{"name":"wide"}"#).status == .created)
            let wide = try await client.post("/api/v1/collections/wide/add", #"{"ids":["w"],"embeddings":[[1,2,3,4,5,6,7,8,9]]}"#)
            #expect(wide.status == .badRequest && wide.errorCode == "invalid_argument")
            let all = try await client.post("/api/v1/collections/l/get", "{}")
            #expect(all.object["ids"] as? [String] == ["a", "b"])
            #expect(try await client.get("/api/v1/collections/wide/count").text == "0")
        }
    }

    /// Malformed HTTP gets its status and a closed connection at once (the probe saw no answer and
    /// sockets held 20–60 s).
    @Test func malformedHTTPIsAnsweredAndClosed() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        try await harness.runLive { _, port in
            let cases: [(String, String, Int)] = [
                ("bad method", "FOO / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                ("negative Content-Length", "POST /api/v1/embed HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
                ("overflowing Content-Length", "POST /api/v1/embed HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400),
                ("Content-Length with chunked", "POST /api/v1/embed HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                ("80 KB of headers", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 82_000) + "\r\n\r\n", 431),
                ("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
                ("HTTP/3.0", "GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n", 505),
                ("TLS hello", "\u{16}\u{03}\u{01}\u{00}\u{a5}\u{01}\u{00}", 400),
            ]
            for (name, request, status) in cases {
                let socket = try PlainSocket(port: port)
                try socket.send(request)
                let answer = await socket.answer(timeout: 2) ?? ""
                #expect(answer.hasPrefix("HTTP/1.1 \(status) "), "\(name): \(answer.prefix(60))")
                #expect(answer.contains(#""error":{"code":"#), "\(name)")
                #expect(await socket.ends(within: 2), "\(name): the connection stays open")
            }
        }
    }

    /// A request trickled in is cut off at the request timeout with 408, not held while it trickles.
    @Test func slowRequestsAreCutOff() async throws {
        let harness = try await Harness(httpIdleTimeout: .seconds(30), requestTimeout: .seconds(1))
        defer { harness.cleanup() }
        let token = try await harness.token(.admin)
        try await harness.runLive { _, port in
            let socket = try PlainSocket(port: port)
            try socket.send("POST /api/v1/embed HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Length: 100\r\n\r\n{")
            let started = Date()
            var answer = ""
            while Date().timeIntervalSince(started) < 5, answer.isEmpty {
                try? socket.send(" ")
                answer = await socket.answer(timeout: 0.3) ?? ""
            }
            #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer.prefix(60))")
            #expect(Date().timeIntervalSince(started) < 3)
            #expect(await socket.ends(within: 2))
            // A prompt request on a fresh connection is unaffected. (Routes run on Swift's cooperative
            // threads, which the CPU-bound tests running beside this one can hold for seconds: the
            // generous timeouts are for that, not for the server.)
            let prompt = try PlainSocket(port: port)
            try prompt.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await prompt.answer(timeout: 30)?.hasPrefix("HTTP/1.1 200 ") == true)
        }
    }

    @Test func connectionsBeyondTheLimitAreRefused() async throws {
        let harness = try await Harness(maxConnections: 3)
        defer { harness.cleanup() }
        try await harness.runLive { _, port in
            // The testing client may hold a connection of its own: open until one is refused.
            var held: [PlainSocket] = []
            var refusal = ""
            for _ in 0..<4 {
                let socket = try PlainSocket(port: port)
                try? socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                let answer = await socket.answer(timeout: 30) ?? ""  // see slowRequestsAreCutOff
                if answer.hasPrefix("HTTP/1.1 200 ") {
                    held.append(socket)
                } else {
                    refusal = answer
                    #expect(await socket.ends(within: 2))
                    break
                }
            }
            #expect((2...3).contains(held.count), "\(held.count) connections admitted under a limit of 3")
            #expect(refusal.hasPrefix("HTTP/1.1 503 ") && refusal.contains("too_many_connections"), "\(refusal.prefix(80))")
            held.removeAll()  // closes them
            var admitted = false
            let deadline = Date().addingTimeInterval(30)
            while !admitted, Date() < deadline {
                let socket = try PlainSocket(port: port)
                try? socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                admitted = await socket.answer(timeout: 10)?.hasPrefix("HTTP/1.1 200 ") == true
                if !admitted { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(admitted, "places are given back when connections close")
        }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
