import Embeddings
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Learning
import Realtime
import Testing
import VectorStore
@testable import LodestarServer

/// The engine, loaded once for all server tests.
enum Engine {
    static let embedder: EngineEmbedder? = {
        guard let encoder = try? SentenceEncoder(directory: ModelLocator.resolve()) else { return nil }
        return EngineEmbedder(encoder: encoder, modelName: ModelLocator.defaultModelName)
    }()
}

/// A response decoded for assertions.
struct Reply: @unchecked Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String
    let json: Any?

    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (object["error"] as? [String: Any])?["message"] as? String }
}

/// A router-level application over a fresh store, with tokens for each role.
struct Harness {
    let directory: String
    let store: Store
    let learning: LearningEngine
    let hub: EventHub
    let authority: TokenAuthority
    let gateway: SocketGateway
    let metrics = ServiceMetrics()
    let app: Application<RouterResponder<LodestarRequestContext>>
    static let secret = "test-secret-0123456789abcdef-0123456789"

    init(maxBodyBytes: Int = 1 << 20, sockets: SocketSettings = SocketSettings(), retention: Int = 1_000,
         httpIdleTimeout: Duration? = .seconds(60), requestTimeout: Duration? = .seconds(60), maxConnections: Int = 16_384,
         storeLimits: StoreLimits = StoreLimits(), acceptsDemoTokens: Bool = false) async throws {
        directory = NSTemporaryDirectory() + "lodestar-server-\(UUID().uuidString)"
        let embedder = try #require(Engine.embedder, "model missing: run bash models/fetch.sh")
        store = try Store(directory: directory, embedder: embedder, limits: storeLimits)
        let hub = EventHub(retention: retention)
        self.hub = hub
        let learning = try LearningEngine(store: store, publisher: hub)
        self.learning = learning
        authority = try await TokenAuthority(secret: Self.secret, revocations: TokenRevocations(directory: directory, recheckInterval: 0),
                                             acceptsDemoTokens: acceptsDemoTokens)
        let gateway = await SocketGateway(settings: sockets, broker: hub, authority: authority,
                                          classOfStudent: { id in try? learning.student(id).classID })
        self.gateway = gateway
        let router = LodestarApplication.makeRouter(store: store, learning: learning, authority: authority, metrics: metrics,
                                                    maxBodyBytes: maxBodyBytes, gateway: gateway)
        let connections = ConnectionLimiter(limit: maxConnections)
        app = Application(router: router, server: HTTPServerBuilder { responder in
            WebSocketHTTPChannel(responder: responder, gateway: gateway, idleTimeout: httpIdleTimeout, requestTimeout: requestTimeout,
                                 connections: connections)
        })
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: directory) }

    func token(_ role: Role, classes: [String]? = nil, student: String? = nil, expiresIn: TimeInterval = 3600,
               subject: String = "test") async throws -> String {
        try await authority.sign(AccessClaims(subject: subject, role: role, classIDs: classes, studentID: student,
                                              expiration: Date().addingTimeInterval(expiresIn)))
    }

    func run(_ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        let admin = try await token(.admin)
        try await app.test(.router) { client in try await body(Client(client: client, token: admin)) }
    }

    /// Runs `body` against the application listening on a real port (WebSockets need one).
    func runLive(_ body: @escaping @Sendable (Client, Int) async throws -> Void) async throws {
        let admin = try await token(.admin)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(Client(client: client, token: admin), port)
        }
    }
}

/// Sends requests with a default token.
struct Client: Sendable {
    let client: any TestClientProtocol
    let token: String?

    func with(token: String?) -> Client { Client(client: client, token: token) }

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token, headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return Reply(status: response.status, headers: response.headers, text: text,
                         json: try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
        }
    }

    func post(_ uri: String, _ body: String) async throws -> Reply { try await send(.post, uri, body) }
    func get(_ uri: String) async throws -> Reply { try await send(.get, uri) }
}
