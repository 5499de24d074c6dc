import Foundation
import Hummingbird
import Synchronization
import Testing
@testable import LodestarServer

@Suite struct AuthTests {
    @Test func everyAPIRouteNeedsAValidToken() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let expired = try await harness.token(.admin, expiresIn: -60)
        let foreign = try await TokenAuthority(secret: "another-secret-0123456789").sign(
            AccessClaims(subject: "x", role: .admin, expiration: Date().addingTimeInterval(3600)))
        try await harness.run { client in
            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/api/v1/collections", #"{"name":"c"}"#), (.get, "/api/v1/collections", nil),
                (.get, "/api/v1/collections/c", nil), (.delete, "/api/v1/collections/c", nil),
                (.post, "/api/v1/collections/c/add", #"{"ids":["a"],"documents":["x"]}"#),
                (.post, "/api/v1/collections/c/upsert", #"{"ids":["a"],"documents":["x"]}"#),
                (.post, "/api/v1/collections/c/update", #"{"ids":["a"],"documents":["x"]}"#),
                (.post, "/api/v1/collections/c/get", "{}"), (.post, "/api/v1/collections/c/query", #"{"query_texts":["x"]}"#),
                (.post, "/api/v1/collections/c/delete", #"{"ids":["a"]}"#), (.get, "/api/v1/collections/c/count", nil),
                (.post, "/api/v1/embed", #"{"texts":["x"]}"#),
            ]
            for (method, uri, body) in routes {
                for token in [nil, "not-a-jwt", expired, foreign] {
                    let reply = try await client.with(token: token).send(method, uri, body)
                    #expect(reply.status == .unauthorized, "\(method) \(uri)")
                    #expect(reply.errorCode == "unauthorized")
                    #expect(reply.errorMessage?.isEmpty == false)
                }
                let basic = try await client.send(method, uri, body, headers: [.authorization: "Basic YTpi"])
                #expect(basic.status == .unauthorized)
            }
            #expect(try await client.with(token: nil).get("/healthz").status == .ok)
            #expect(try await client.with(token: nil).get("/metrics").status == .ok)
            #expect(try await client.with(token: nil).get("/openapi.json").status == .ok)
        }
    }

    @Test func rolesLimitWhatATokenMayDo() async throws {
        let harness = try await Harness()
        defer { harness.cleanup() }
        let teacher = try await harness.token(.teacher, classes: ["class_001"])
        let student = try await harness.token(.student, student: "s1")
        try await harness.run { admin in
            #expect(try await admin.post("/api/v1/collections", #"{"name":"c"}"#).status == .created)
            #expect(try await admin.post("/api/v1/collections/c/add", #"{"ids":["a"],"documents":["hello"]}"#).status == .created)
            let t = admin.with(token: teacher)
            #expect(try await t.get("/api/v1/collections").status == .ok)
            #expect(try await t.post("/api/v1/collections/c/query", #"{"query_texts":["hello"]}"#).status == .ok)
            #expect(try await t.post("/api/v1/embed", #"{"texts":["hello"]}"#).status == .ok)
            for (method, uri, body) in [(HTTPRequest.Method.post, "/api/v1/collections", #"{"name":"d"}"#),
                                        (.post, "/api/v1/collections/c/add", #"{"ids":["b"],"documents":["x"]}"#),
                                        (.post, "/api/v1/collections/c/delete", #"{"ids":["a"]}"#),
                                        (.delete, "/api/v1/collections/c", nil)] {
                let reply = try await t.send(method, uri, body)
                #expect(reply.status == .forbidden, "\(uri)")
                #expect(reply.errorCode == "forbidden")
            }
            let s = admin.with(token: student)
            #expect(try await s.post("/api/v1/embed", #"{"texts":["hello"]}"#).status == .ok)
            #expect(try await s.post("/api/v1/collections/c/get", "{}").status == .forbidden)
            #expect(try await s.get("/api/v1/collections/c/count").status == .forbidden)
            #expect(try await admin.get("/api/v1/collections/c/count").text == "1")
        }
    }

    @Test func secretIsGeneratedOnceWithOwnerOnlyPermissions() throws {
        let directory = NSTemporaryDirectory() + "lodestar-secret-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try TokenAuthority.secret(configured: nil, dataDirectory: directory)
        let second = try TokenAuthority.secret(configured: nil, dataDirectory: directory)
        #expect(first == second && first.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/jwt-secret")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try TokenAuthority.secret(configured: "configured-secret-value", dataDirectory: directory) == "configured-secret-value")
        #expect(TokenAuthority.parseDuration("24h") == 86400 && TokenAuthority.parseDuration("90") == 90)
        #expect(TokenAuthority.parseDuration("x") == nil && TokenAuthority.parseDuration("-5m") == nil)
    }

    /// Several first uses at once on a fresh directory (as when processes start together) agree on
    /// one secret, and leave no temporary file behind.
    @Test func concurrentFirstUsesAgreeOnOneSecret() throws {
        for _ in 0..<20 {
            let directory = NSTemporaryDirectory() + "lodestar-secret-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let results = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                let secret = (try? TokenAuthority.secret(configured: nil, dataDirectory: directory)) ?? "error"
                results.withLock { $0.append(secret) }
            }
            let secrets = results.withLock { $0 }
            #expect(secrets.count == 8 && Set(secrets).count == 1 && secrets[0].count == 64)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["jwt-secret"])
        }
    }
}
