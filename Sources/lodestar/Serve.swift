import ArgumentParser
import Foundation
import LodestarServer
import VectorStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the service: HTTP API, WebSocket channels, dashboard at / (stops gracefully on SIGINT/SIGTERM).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed on start).")
    var port = 8080

    @Option(help: "Data directory: database, index files, JWT secret (default: $LODESTAR_DATA_DIR or ./lodestar-data).")
    var dataDir: String?

    @Option(help: "Model directory (default: $LODESTAR_MODEL_DIR or models/all-MiniLM-L6-v2).")
    var model: String?

    @Option(help: "HS256 signing secret (default: $LODESTAR_JWT_SECRET, else kept in the data directory).")
    var jwtSecret: String?

    @Option(help: "Largest accepted request body, in bytes.")
    var maxBodyBytes = 32 << 20

    @Option(help: "Seconds between saves of changed indexes (also saved on shutdown).")
    var indexSaveInterval = 30.0

    @Option(help: "Engine threads (default: all cores).")
    var threads: Int?

    @Flag(inversion: .prefixedNo, help: "Load the demo curriculum and class class_001 into an empty data directory.")
    var demo = true

    @Option(help: "Events kept per realtime channel for replay (?since=).")
    var replayEvents = 1_000

    @Option(help: "Event broker shared by nodes: postgres://user:password@host:port/database (default: in-process).")
    var broker: String?

    @Option(help: "HTTP: seconds a connection may send nothing (before its request head, between keep-alive requests, inside a request) before it is closed; 0: never.")
    var httpIdleTimeout = 60.0

    @Option(help: "WebSocket: seconds a connection may stay silent (no message, no pong) before it is closed.")
    var wsIdleTimeout = 60.0

    @Option(help: "WebSocket: seconds between server pings (default: a third of the idle timeout).")
    var wsPingInterval: Double?

    @Option(help: "WebSocket: largest inbound message in bytes (larger: close 1009).")
    var wsMaxMessageBytes = 64 << 10

    @Option(help: "WebSocket: outbound messages a connection may have queued (more: close 1013).")
    var wsMaxQueued = 1_024

    @Option(help: "WebSocket: open connections per token subject (more: close 1008).")
    var wsMaxConnectionsPerUser = 20_000

    @Option(help: "WebSocket: inbound messages per second per connection (token bucket; abuse: close 1008).")
    var wsRate = 20.0

    @Option(help: "WebSocket: inbound burst (bucket size).")
    var wsBurst = 40.0

    @Option(help: "Most records in one write, and most ids in one get or delete.")
    var maxBatchSize = 10_000

    @Option(help: "Most texts in one embed request, and most query texts or embeddings in one query.")
    var maxTextsPerRequest = 2_048

    @Option(help: "Largest embedding dimension a collection accepts.")
    var maxDimension = 16_384

    @Option(help: "Most conditions in one where / where_document filter.")
    var maxFilterTerms = 1_000

    @Option(help: "Seconds a client may take to send a whole request (head and body); 0: no limit.")
    var requestTimeout = 60.0

    @Option(help: "Most open HTTP and WebSocket connections; more are refused with 503 until some close.")
    var maxConnections = 16_384

    /// Longest accepted duration option, in seconds (a year).
    static let longestDuration = 365.0 * 86_400

    func validate() throws {
        guard replayEvents >= 1 else { throw ValidationError("--replay-events must be at least 1") }
        if let broker, !(broker.hasPrefix("postgres://") || broker.hasPrefix("postgresql://")) {
            throw ValidationError("--broker must be a postgres://user:password@host:port/database URL")
        }
        // Durations become whole milliseconds: keep them where that conversion is exact and cannot trap.
        let longest = Self.longestDuration
        guard (0...longest).contains(httpIdleTimeout) else { throw ValidationError("--http-idle-timeout must be 0 (never) or positive, at most \(Int(longest)) s") }
        guard wsIdleTimeout > 0, (wsPingInterval ?? 1) > 0 else { throw ValidationError("--ws-idle-timeout and --ws-ping-interval must be positive") }
        guard wsIdleTimeout <= longest, (wsPingInterval ?? 1) <= longest, indexSaveInterval <= longest else {
            throw ValidationError("--ws-idle-timeout, --ws-ping-interval and --index-save-interval must be at most \(Int(longest)) s")
        }
        guard wsMaxMessageBytes >= 128 else { throw ValidationError("--ws-max-message-bytes must be at least 128") }
        guard wsMaxQueued >= 1, wsMaxConnectionsPerUser >= 1 else { throw ValidationError("--ws-max-queued and --ws-max-connections-per-user must be at least 1") }
        guard wsRate > 0, wsBurst >= 1 else { throw ValidationError("--ws-rate must be positive and --ws-burst at least 1") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard indexSaveInterval > 0 else { throw ValidationError("--index-save-interval must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard (1...1_000_000).contains(maxBatchSize) else { throw ValidationError("--max-batch-size must be between 1 and 1000000") }
        guard (1...1_000_000).contains(maxTextsPerRequest) else { throw ValidationError("--max-texts-per-request must be between 1 and 1000000") }
        guard (1...65_536).contains(maxDimension) else { throw ValidationError("--max-dimension must be between 1 and 65536") }
        guard (1...100_000).contains(maxFilterTerms) else { throw ValidationError("--max-filter-terms must be between 1 and 100000") }
        guard (0...longest).contains(requestTimeout) else { throw ValidationError("--request-timeout must be 0 (no limit) or positive, at most \(Int(longest)) s") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
    }

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        if let dataDir { configuration.dataDirectory = dataDir }
        configuration.modelDirectory = model
        configuration.jwtSecret = jwtSecret ?? ProcessInfo.processInfo.environment["LODESTAR_JWT_SECRET"]
        configuration.maxBodyBytes = maxBodyBytes
        configuration.indexSaveInterval = .milliseconds(Int(indexSaveInterval * 1000))
        configuration.threads = threads
        configuration.loadDemo = demo
        configuration.replayEvents = replayEvents
        configuration.brokerURL = broker
        configuration.httpIdleTimeout = httpIdleTimeout > 0 ? .milliseconds(Int(httpIdleTimeout * 1000)) : nil
        configuration.webSocket.idleTimeout = .milliseconds(Int(wsIdleTimeout * 1000))
        configuration.webSocket.pingInterval = wsPingInterval.map { .milliseconds(Int($0 * 1000)) }
        configuration.webSocket.maxMessageBytes = wsMaxMessageBytes
        configuration.webSocket.maxQueuedMessages = wsMaxQueued
        configuration.webSocket.maxConnectionsPerUser = wsMaxConnectionsPerUser
        configuration.webSocket.ratePerSecond = wsRate
        configuration.webSocket.rateBurst = wsBurst
        configuration.storeLimits = StoreLimits(maxBatchSize: maxBatchSize, maxQueries: maxTextsPerRequest, maxDimension: maxDimension,
                                                filter: FilterLimits(maxTerms: maxFilterTerms))
        configuration.requestTimeout = requestTimeout > 0 ? .milliseconds(Int(requestTimeout * 1000)) : nil
        configuration.maxConnections = maxConnections
        try await LodestarApplication.run(configuration: configuration)
    }
}
