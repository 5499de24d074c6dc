import Embeddings
import Foundation
import Hummingbird
import Learning
import Logging
import Realtime
import ServiceLifecycle
import VectorStore

/// Builds and runs the HTTP service: routes, auth, metrics, and the services that live beside the
/// server (index saving).
public enum LodestarApplication {
    /// The router with every route and middleware (also what tests drive).
    public static func makeRouter(store: Store, learning: LearningEngine?, authority: TokenAuthority, metrics: ServiceMetrics,
                                  maxBodyBytes: Int) -> Router<LodestarRequestContext> {
        let router = Router(context: LodestarRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        SystemRoutes(store: store, metrics: metrics).register(on: router)
        let api = router.group("api/v1").add(middleware: AuthMiddleware(authority: authority))
        CollectionRoutes(store: store, metrics: metrics, maxBodyBytes: maxBodyBytes).register(on: api)
        if let learning { LearningRoutes(learning: learning, maxBodyBytes: maxBodyBytes).register(on: api) }
        return router
    }

    /// The application for `configuration` over an open store.
    public static func make(configuration: ServerConfiguration, store: Store, learning: LearningEngine?, authority: TokenAuthority,
                            metrics: ServiceMetrics = ServiceMetrics(), logger: Logger,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = makeRouter(store: store, learning: learning, authority: authority, metrics: metrics,
                                maxBodyBytes: configuration.maxBodyBytes)
        let saver = IndexSaver(store: store, interval: configuration.indexSaveInterval, metrics: metrics, logger: logger)
        return Application(router: router,
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                serverName: "lodestar"),
                           services: [saver],
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
        let metrics = ServiceMetrics()
        let embedder = EngineEmbedder(encoder: encoder, modelName: (modelDirectory as NSString).lastPathComponent,
                                      observe: { texts, seconds in metrics.recordEmbedding(texts: texts, seconds: seconds) })
        let started = Date()
        let store = try Store(directory: configuration.dataDirectory, embedder: embedder)
        logger.info("store opened", metadata: ["directory": .string(configuration.dataDirectory),
                                               "collections": .stringConvertible(store.listCollections().count),
                                               "seconds": .stringConvertible(Date().timeIntervalSince(started))])
        let hub = EventHub(retention: configuration.replayEvents)
        let learning = try LearningEngine(store: store, publisher: hub)
        if learning.isEmpty && configuration.loadDemo {
            let demoStarted = Date()
            let summary = try await DemoCurriculum.load(into: learning)
            logger.info("demo data loaded", metadata: ["concepts": .stringConvertible(summary.concepts), "content": .stringConvertible(summary.content),
                                                       "assessment_items": .stringConvertible(summary.assessmentItems),
                                                       "students": .stringConvertible(summary.students),
                                                       "seconds": .stringConvertible(Date().timeIntervalSince(demoStarted))])
        }
        let secret = try TokenAuthority.secret(configured: configuration.jwtSecret, dataDirectory: configuration.dataDirectory)
        let authority = try await TokenAuthority(secret: secret)
        let app = make(configuration: configuration, store: store, learning: learning, authority: authority, metrics: metrics, logger: logger,
                       onServerRunning: { port in
                           // One line on stdout that scripts and tests wait for.
                           FileHandle.standardOutput.write(Data("lodestar serving on http://\(configuration.host):\(port)\n".utf8))
                       })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
