import Embeddings
import Foundation
import Hummingbird
import HummingbirdCore
import Learning
import Logging
import Realtime
import RealtimePostgres
import ServiceLifecycle
import VectorStore

/// Builds and runs the HTTP service: routes, auth, metrics, and the services that live beside the
/// server (index saving).
public enum LodestarApplication {
    /// The router with every route and middleware (also what tests drive).
    public static func makeRouter(store: Store, learning: LearningEngine?, authority: TokenAuthority, metrics: ServiceMetrics,
                                  maxBodyBytes: Int, gateway: SocketGateway? = nil, demoClass: String? = nil) -> Router<LodestarRequestContext> {
        let router = Router(context: LodestarRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        SystemRoutes(store: store, metrics: metrics).register(on: router)
        DashboardRoutes(demoClass: demoClass).register(on: router)
        if let gateway { SocketRoutes(gateway: gateway, authority: authority).register(on: router) }
        let api = router.group("api/v1").add(middleware: AuthMiddleware(authority: authority))
        let pipeline = PipelineReporter(publisher: gateway?.broker)
        CollectionRoutes(store: store, metrics: metrics, maxBodyBytes: maxBodyBytes, pipeline: pipeline).register(on: api)
        if let learning { LearningRoutes(learning: learning, maxBodyBytes: maxBodyBytes, pipeline: pipeline).register(on: api) }
        return router
    }

    /// The application for `configuration` over an open store.
    public static func make(configuration: ServerConfiguration, store: Store, learning: LearningEngine?, authority: TokenAuthority,
                            gateway: SocketGateway, demoClass: String? = nil, metrics: ServiceMetrics = ServiceMetrics(), services: [any Service] = [],
                            logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = makeRouter(store: store, learning: learning, authority: authority, metrics: metrics,
                                maxBodyBytes: configuration.maxBodyBytes, gateway: gateway, demoClass: demoClass)
        let connections = ConnectionLimiter(limit: configuration.maxConnections)
        let saver = IndexSaver(store: store, interval: configuration.indexSaveInterval, metrics: metrics, logger: logger)
        return Application(router: router,
                           server: HTTPServerBuilder { responder in
                               WebSocketHTTPChannel(responder: responder, gateway: gateway, idleTimeout: configuration.httpIdleTimeout,
                                                    requestTimeout: configuration.requestTimeout, connections: connections)
                           },
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                serverName: "lodestar"),
                           services: services + [saver],
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                           logger: logger)
    }

    /// Loads the model and the store, then serves until SIGINT or SIGTERM (in-flight requests
    /// finish and indexes are saved before it returns).
    public static func run(configuration: ServerConfiguration) async throws {
        var logger = Logger(label: "lodestar")
        logger.logLevel = .info
        let modelDirectory = ModelLocator.resolve(configuration.modelDirectory)
        let encoder = try SentenceEncoder(directory: modelDirectory, threads: configuration.threads)
        logger.info("model loaded", metadata: ["directory": .string(modelDirectory), "threads": .stringConvertible(encoder.threads),
                                               "blas": .string(SentenceEncoder.blasConfiguration)])
        let metrics = ServiceMetrics()
        let embedder = EngineEmbedder(encoder: encoder, modelName: (modelDirectory as NSString).lastPathComponent,
                                      observe: { texts, seconds in metrics.recordEmbedding(texts: texts, seconds: seconds) })
        let started = Date()
        let store = try Store(directory: configuration.dataDirectory, embedder: embedder, limits: configuration.storeLimits)
        logger.info("store opened", metadata: ["directory": .string(configuration.dataDirectory),
                                               "collections": .stringConvertible(store.listCollections().count),
                                               "seconds": .stringConvertible(Date().timeIntervalSince(started))])
        FileLimits.raiseOpenFileLimit()
        let (broker, brokerName, brokerServices) = try await makeBroker(configuration: configuration, logger: logger)
        let learning = try LearningEngine(store: store, publisher: broker)
        if learning.isEmpty && configuration.loadDemo {
            let demoStarted = Date()
            let summary = try await DemoCurriculum.load(into: learning)
            logger.info("demo data loaded", metadata: ["concepts": .stringConvertible(summary.concepts), "content": .stringConvertible(summary.content),
                                                       "assessment_items": .stringConvertible(summary.assessmentItems),
                                                       "students": .stringConvertible(summary.students),
                                                       "seconds": .stringConvertible(Date().timeIntervalSince(demoStarted))])
        }
        let secret = try TokenAuthority.secret(configured: configuration.jwtSecret, dataDirectory: configuration.dataDirectory)
        // Demo sign-in: a short-lived teacher token for the demo class, printed as a link on the
        // console (never served by a route); such tokens work only while the demo is served.
        let servesDemo = configuration.loadDemo && (try? learning.schoolClass(DemoCurriculum.classID)) != nil
        let authority = try await TokenAuthority(secret: secret, revocations: TokenRevocations(directory: configuration.dataDirectory),
                                                 acceptsDemoTokens: servesDemo)
        let demoToken: String? = servesDemo
            ? try await authority.sign(AccessClaims(subject: "demo-teacher", role: .teacher, classIDs: [DemoCurriculum.classID],
                                                    expiration: Date().addingTimeInterval(configuration.demoSignInLifetime), demo: true))
            : nil
        let gateway = await SocketGateway(settings: configuration.webSocket, broker: broker, brokerName: brokerName, authority: authority,
                                          classOfStudent: { [learning] id in try? learning.student(id).classID }, logger: logger)
        let app = make(configuration: configuration, store: store, learning: learning, authority: authority, gateway: gateway,
                       demoClass: servesDemo ? DemoCurriculum.classID : nil, metrics: metrics, services: brokerServices, logger: logger,
                       onServerRunning: { port in
                           // One line on stdout that scripts and tests wait for.
                           var lines = "lodestar serving on http://\(configuration.host):\(port)\n"
                           if let demoToken {
                               let host = ["0.0.0.0", "::", ""].contains(configuration.host) ? "127.0.0.1" : configuration.host
                               let hours = Int(configuration.demoSignInLifetime / 3600)
                               lines += "demo sign-in (teacher of \(DemoCurriculum.classID), valid \(hours) h): http://\(host):\(port)/#token=\(demoToken)\n"
                           }
                           FileHandle.standardOutput.write(Data(lines.utf8))
                       })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// The in-process hub, or the PostgreSQL broker for `--broker postgres://...` (with the
    /// services that keep it listening).
    static func makeBroker(configuration: ServerConfiguration, logger: Logger) async throws -> (any EventBroker, String, [any Service]) {
        guard let url = configuration.brokerURL else {
            return (EventHub(retention: configuration.replayEvents), "in-process", [])
        }
        let broker = try PostgresBroker(url: url, retention: configuration.replayEvents, logger: logger)
        try await broker.start()
        logger.info("event broker: PostgreSQL", metadata: ["url": .string(broker.endpoint)])
        return (broker, "postgres", [broker])
    }
}
