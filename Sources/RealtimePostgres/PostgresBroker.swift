import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Realtime
import ServiceLifecycle

/// The event broker of several nodes: events are rows of `lodestar_events` (the replay source),
/// numbered per channel in `lodestar_channel_seq` under the row's lock, and announced with
/// `pg_notify` in the same statement. Each node LISTENs, reads the new rows of a channel in
/// sequence order and hands them to its local `EventHub`, so every node delivers every event once,
/// in order, whichever node published it.
public final class PostgresBroker: EventBroker, Service {
    private let client: PostgresClient
    private let hub: EventHub
    private let retention: Int
    private let url: PostgresURL
    private let logger: Logger
    private let state = LockedState()
    static let notifyChannel = "lodestar_events"

    /// Connects to `url` (`postgres://user:password@host:port/database[?sslmode=...&sslrootcert=...]`,
    /// see `PostgresURL` for TLS); call `start()` next.
    public init(url: String, retention: Int = 1_000, logger: Logger) throws(BrokerError) {
        let url = try PostgresURL(url)
        self.url = url
        let configuration = try url.clientConfiguration()
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.hub = EventHub(retention: retention)
        self.retention = max(1, retention)
        self.logger = logger
    }

    /// Where the broker connects, without the password (for logs).
    public var endpoint: String { url.description }

    /// Runs the connection pool, creates the tables when missing, and starts listening. Throws
    /// when the database cannot be reached within `timeout`.
    public func start(timeout: Duration = .seconds(20)) async throws(BrokerError) {
        // A refused certificate or password is reported at once, not after the pool's retries.
        if let reason = await connectionProblem(), !reason.transient {
            throw .unavailable("cannot connect to PostgreSQL: \(reason.text)")
        }
        let client = self.client
        state.add(Task { await client.run() })
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                try await prepareSchema()
                break
            } catch {
                // The pool says only that it cannot connect: one direct connection tells why, and
                // a refused certificate or password will not mend by waiting.
                if let reason = await connectionProblem(), !reason.transient {
                    stop()
                    throw .unavailable("cannot connect to PostgreSQL: \(reason.text)")
                }
                guard ContinuousClock.now < deadline else {
                    stop()
                    throw .unavailable("cannot prepare the events tables: \(String(reflecting: error))")
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        do {
            for (channel, seq) in try await channelSequences() { state.setSeen(channel, seq) }
        } catch {
            stop()
            throw .unavailable("cannot read channel sequences: \(String(reflecting: error))")
        }
        state.add(Task { await self.listen() })
        state.add(Task { await self.prune() })
    }

    /// Why one direct connection with the broker's settings fails (`nil`: it succeeds), and
    /// whether that may pass (a server still starting) or not (TLS, authentication, no database).
    private func connectionProblem() async -> (text: String, transient: Bool)? {
        do {
            let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0, logger: logger)
            try? await connection.close()
            return nil
        } catch let error as NIOSSLError {
            return ("TLS: \(error)", false)
        } catch let error as BoringSSLError {
            return ("TLS: \(error)", false)
        } catch let error as PSQLError {
            switch error.code {
            case .sslUnsupported: return ("the server does not offer TLS (sslmode requires it)", false)
            case .server:
                let message = error.serverInfo?[.message] ?? "refused"
                return ("the server refused the connection: \(message)", false)
            default:
                if let underlying = error.underlying as? NIOSSLError { return ("TLS: \(underlying)", false) }
                if let underlying = error.underlying as? BoringSSLError { return ("TLS: \(underlying)", false) }
                return ("\(String(reflecting: error))", true)
            }
        } catch {
            return ("\(error)", true)
        }
    }

    /// Waits for graceful shutdown, then stops listening and closes the pool.
    public func run() async throws {
        try? await gracefulShutdown()
        stop()
    }

    private func stop() {
        state.cancelAll()
    }

    // MARK: - Schema

    private func prepareSchema() async throws {
        try await client.withTransaction(logger: logger) { connection in
            // Nodes starting together must not race on CREATE TABLE.
            try await connection.query("SELECT pg_advisory_xact_lock(7243001)", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS lodestar_channel_seq (channel TEXT PRIMARY KEY, seq BIGINT NOT NULL)
                """, logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS lodestar_events (
                    channel TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, class_id TEXT, student_id TEXT,
                    body TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (channel, seq))
                """, logger: logger)
        }
    }

    private func channelSequences() async throws -> [(String, Int64)] {
        var result: [(String, Int64)] = []
        let rows = try await client.query("SELECT channel, seq FROM lodestar_channel_seq", logger: logger)
        for try await (channel, seq) in rows.decode((String, Int64).self) { result.append((channel, seq)) }
        return result
    }

    // MARK: - Publishing

    /// Writes the event once per channel (numbered under the channel row's lock) and notifies
    /// every node when the statement commits. A database failure is logged: the request that
    /// caused the event has already succeeded.
    public func publish(_ event: RealtimeEvent) async {
        state.countPublished()
        let body = String(decoding: event.body, as: UTF8.self)
        for channel in event.channels {
            let notifyChannel = Self.notifyChannel
            let query: PostgresQuery = """
                WITH s AS (
                    INSERT INTO lodestar_channel_seq (channel, seq) VALUES (\(channel), 1)
                    ON CONFLICT (channel) DO UPDATE SET seq = lodestar_channel_seq.seq + 1 RETURNING seq),
                e AS (
                    INSERT INTO lodestar_events (channel, seq, type, class_id, student_id, body)
                    SELECT \(channel), s.seq, \(event.type), \(event.classID), \(event.studentID), \(body) FROM s RETURNING seq)
                SELECT e.seq, pg_notify(\(notifyChannel), \(channel) || ' ' || e.seq::text)::text FROM e
                """
            do {
                try await client.query(query, logger: logger)
            } catch {
                logger.error("event not published", metadata: ["channel": .string(channel), "type": .string(event.type),
                                                               "error": .string(String(reflecting: error))])
            }
        }
    }

    public var publishedCount: Int { state.published }

    public func addSink(_ sink: @escaping @Sendable ([DeliveredEvent]) -> Void) async {
        await hub.addSink(sink)
    }

    // MARK: - Delivery

    private func listen() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.notifyChannel) { notifications in
                        // Listening: whatever was committed before is read now, the rest is announced.
                        for (channel, seq) in try await self.channelSequences() where seq > self.state.seen(channel) {
                            try await self.deliver(channel: channel)
                        }
                        for try await notification in notifications {
                            let parts = notification.payload.split(separator: " ")
                            guard parts.count == 2, let seq = Int64(parts[1]) else { continue }
                            let channel = String(parts[0])
                            if seq > self.state.seen(channel) { try await self.deliver(channel: channel) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("event listener reconnecting", metadata: ["error": .string(String(reflecting: error))])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Reads the channel's events after the last one delivered here and hands them on in order.
    private func deliver(channel: String) async throws {
        let after = state.seen(channel)
        let rows = try await client.query("""
            SELECT seq, type, class_id, student_id, body FROM lodestar_events
            WHERE channel = \(channel) AND seq > \(after) ORDER BY seq LIMIT 10000
            """, logger: logger)
        var batch: [DeliveredEvent] = []
        for try await (seq, type, classID, studentID, body) in rows.decode((Int64, String, String?, String?, String).self) {
            let event = RealtimeEvent(type: type, classID: classID, studentID: studentID, body: Array(body.utf8), channels: [channel])
            batch.append(DeliveredEvent(channel: channel, seq: seq, event: event))
        }
        guard let last = batch.last else { return }
        state.setSeen(channel, last.seq)
        await hub.accept(batch)
    }

    /// Keeps the last `retention` events of each channel.
    private func prune() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(30))
            do {
                try await client.query("""
                    DELETE FROM lodestar_events e USING lodestar_channel_seq s
                    WHERE e.channel = s.channel AND e.seq <= s.seq - \(Int64(retention))
                    """, logger: logger)
            } catch {
                logger.debug("event pruning failed", metadata: ["error": .string(String(reflecting: error))])
            }
        }
    }

    // MARK: - Replay

    public func currentSequence(of channel: String) async throws(BrokerError) -> Int64 {
        do {
            let rows = try await client.query("SELECT seq FROM lodestar_channel_seq WHERE channel = \(channel)", logger: logger)
            for try await seq in rows.decode(Int64.self) { return seq }
            return 0
        } catch {
            throw .unavailable(String(reflecting: error))
        }
    }

    public func replay(channel: String, since: Int64) async throws(BrokerError) -> Replay {
        let current = try await currentSequence(of: channel)
        guard since <= current else { return .resyncRequired(current: current) }
        guard since < current else { return .events([], current: current) }
        var events: [DeliveredEvent] = []
        do {
            let rows = try await client.query("""
                SELECT seq, type, class_id, student_id, body FROM lodestar_events
                WHERE channel = \(channel) AND seq > \(since) AND seq <= \(current) ORDER BY seq LIMIT \(Int64(retention) + 1)
                """, logger: logger)
            for try await (seq, type, classID, studentID, body) in rows.decode((Int64, String, String?, String?, String).self) {
                events.append(DeliveredEvent(channel: channel, seq: seq, event: RealtimeEvent(
                    type: type, classID: classID, studentID: studentID, body: Array(body.utf8), channels: [channel])))
            }
        } catch {
            throw .unavailable(String(reflecting: error))
        }
        // Every event after `since` must still be there, and no more than the retention is replayed.
        guard events.first?.seq == since + 1, events.count <= retention, current - since <= Int64(retention) else {
            return .resyncRequired(current: current)
        }
        return .events(events, current: current)
    }
}

/// The broker's mutable state behind one lock: tasks, the last sequence number delivered per
/// channel, the publish count.
final class LockedState: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [Task<Void, Never>] = []
    private var seenSeq: [String: Int64] = [:]
    private var publishedCount = 0

    func add(_ task: Task<Void, Never>) { lock.withLock { tasks.append(task) } }
    func cancelAll() { lock.withLock { tasks.forEach { $0.cancel() }; tasks = [] } }
    func seen(_ channel: String) -> Int64 { lock.withLock { seenSeq[channel] ?? 0 } }
    func setSeen(_ channel: String, _ seq: Int64) { lock.withLock { seenSeq[channel] = max(seenSeq[channel] ?? 0, seq) } }
    func countPublished() { lock.withLock { publishedCount += 1 } }
    var published: Int { lock.withLock { publishedCount } }
}
