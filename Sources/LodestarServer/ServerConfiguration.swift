import Foundation
import VectorStore

/// Settings of `lodestar serve`.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Database, index files and the JWT secret live here.
    public var dataDirectory: String = ServerConfiguration.defaultDataDirectory
    /// The model directory (`nil`: found by `ModelLocator`).
    public var modelDirectory: String?
    /// HS256 secret (`nil`: kept in the data directory, generated on first start).
    public var jwtSecret: String?
    /// Largest request body accepted (larger: 413).
    public var maxBodyBytes: Int = 32 << 20
    /// How often changed indexes are saved (they are also saved on shutdown).
    public var indexSaveInterval: Duration = .seconds(30)
    /// Engine threads (`nil`: all cores).
    public var threads: Int?
    /// Load the demo curriculum and class into an empty data directory on start (and print a
    /// sign-in link for its teacher while it is served).
    public var loadDemo = true
    /// Lifetime of the demo sign-in link's token, in seconds.
    public var demoSignInLifetime: TimeInterval = 12 * 3600
    /// Bounds on one request to the store (records, queries, dimension, filters).
    public var storeLimits = StoreLimits()
    /// Events kept per realtime channel.
    public var replayEvents = 1_000
    /// WebSocket limits and timers.
    public var webSocket = SocketSettings()
    /// An HTTP connection that sends nothing for this long is closed: before its first request
    /// head is complete, between keep-alive requests, or between parts of a request being read
    /// (a response being computed does not count as idle). `nil`: never.
    public var httpIdleTimeout: Duration? = .seconds(60)
    /// A client must send each request whole (head and body) within this time of its first byte,
    /// else the connection is answered 408 and closed: a body trickled a byte at a time cannot hold
    /// a socket and a request slot for long. `nil`: no limit.
    public var requestTimeout: Duration? = .seconds(60)
    /// Most connections open at once (HTTP and WebSocket); beyond it new connections are answered
    /// 503 and closed at once, before they cost more than a descriptor for a moment.
    public var maxConnections = 16_384
    /// `postgres://user:password@host:port/database` to share events between nodes through
    /// PostgreSQL (events table + LISTEN/NOTIFY); `nil`: in-process.
    public var brokerURL: String?

    public init() {}

    /// `$LODESTAR_DATA_DIR`, else `lodestar-data` in the working directory.
    public static var defaultDataDirectory: String {
        ProcessInfo.processInfo.environment["LODESTAR_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "lodestar-data"
    }
}
