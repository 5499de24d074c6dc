import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Realtime
import ServiceLifecycle
import VectorStore

/// The WebSocket side of the service: admits connections, fans broker events out to them and
/// keeps the counters `/ws/status` reports.
///
/// Fan-out: the broker calls the sink with each batch of events; it encodes each message once as a
/// WebSocket frame and queues the batch for each event loop's shard, which writes it to that loop's
/// subscribers of the channels (no task, lock, copy, encoding or promise per subscriber). The events
/// of one batch (a grading's, published together), and any that reach a shard before its loop gets
/// to them, go out in one write per subscriber: one system call and one TCP segment instead of one
/// per event.
public final class SocketGateway: Sendable {
    /// Why connections were closed by the server (counted for `/ws/status`).
    enum Disconnect: String, CaseIterable {
        case slowConsumer = "slow_consumer"
        case rateLimited = "rate_limited"
        case messageTooBig = "message_too_big"
        case idle
        case perUserLimit = "per_user_limit"
        case brokerError = "broker_error"
        /// The client ended the TCP connection (or it failed) without the closing handshake: RFC
        /// 6455's 1006. Counted when the server drops such a connection.
        case abnormalClosure = "abnormal_closure"
    }

    private struct Counters {
        var byChannel: [String: Int] = [:]
        var byKind: [String: Int] = [:]
        var byUser: [String: Int] = [:]
        var opened = 0
        var disconnects: [String: Int] = [:]
        var closeCodes: [UInt16: Int] = [:]
        var delivered = 0
        var dropped = 0
        var nextID = 0
    }

    let settings: SocketSettings
    let broker: any EventBroker
    let brokerName: String
    let authority: TokenAuthority
    let classOfStudent: @Sendable (String) -> String?
    let logger: Logger
    private let counters = NIOLockedValueBox(Counters())
    private let shards = NIOLockedValueBox([ObjectIdentifier: LoopShard]())

    public init(settings: SocketSettings, broker: any EventBroker, brokerName: String = "in-process", authority: TokenAuthority,
                classOfStudent: @escaping @Sendable (String) -> String? = { _ in nil }, logger: Logger = Logger(label: "lodestar.ws")) async {
        self.settings = settings
        self.broker = broker
        self.brokerName = brokerName
        self.authority = authority
        self.classOfStudent = classOfStudent
        self.logger = logger
        await broker.addSink { [weak self] events in self?.fanOut(events) }
    }

    // MARK: - Fan-out

    private func fanOut(_ events: [DeliveredEvent]) {
        let outbound = events.map { OutboundEvent(event: $0, frame: RawFrameWriter.textFrame($0.message)) }
        for shard in shards.withLockedValue({ Array($0.values) }) {
            guard shard.enqueue(outbound) else { continue }  // a delivery is already scheduled
            shard.eventLoop.execute { [self] in
                let count = shard.value.deliver(shard.takeQueued())
                if count > 0 { counters.withLockedValue { $0.delivered += count } }
            }
        }
    }

    private func shard(for loop: any EventLoop) -> LoopShard {
        shards.withLockedValue { shards in
            if let shard = shards[ObjectIdentifier(loop)] { return shard }
            let shard = LoopShard(shard: SocketShard(), eventLoop: loop)
            shards[ObjectIdentifier(loop)] = shard
            return shard
        }
    }

    // MARK: - Admission

    func admit(uri: String, authorization: String?) async -> Result<SocketAdmission, SocketAdmission.Refusal> {
        await SocketAdmission.decide(uri: uri, authorization: authorization, authority: authority, classOfStudent: classOfStudent)
    }

    /// Counts a new connection of `admission`; false when its user already holds the maximum.
    func reserve(_ admission: SocketAdmission) -> (id: String, accepted: Bool) {
        counters.withLockedValue { counters in
            counters.nextID += 1
            let id = "ws-\(ProcessInfo.processInfo.processIdentifier)-\(counters.nextID)"
            let user = admission.claims.subject.value
            guard counters.byUser[user, default: 0] < settings.maxConnectionsPerUser else { return (id, false) }
            counters.byUser[user, default: 0] += 1
            counters.byChannel[admission.channel, default: 0] += 1
            counters.byKind[admission.kind, default: 0] += 1
            counters.opened += 1
            return (id, true)
        }
    }

    private func release(_ admission: SocketAdmission) {
        counters.withLockedValue { counters in
            counters.byUser[admission.claims.subject.value, default: 1] -= 1
            if counters.byUser[admission.claims.subject.value] == 0 { counters.byUser[admission.claims.subject.value] = nil }
            counters.byChannel[admission.channel, default: 1] -= 1
            if counters.byChannel[admission.channel] == 0 { counters.byChannel[admission.channel] = nil }
            counters.byKind[admission.kind, default: 1] -= 1
        }
    }

    func count(_ disconnect: Disconnect, droppedEvents: Int = 0) {
        counters.withLockedValue {
            $0.disconnects[disconnect.rawValue, default: 0] += 1
            $0.dropped += droppedEvents
        }
    }

    func count(closedWith code: CloseCode) {
        counters.withLockedValue { $0.closeCodes[code.rawValue, default: 0] += 1 }
    }

    // MARK: - A connection's life

    /// Serves an upgraded connection until it closes: registers it for live events, sends the
    /// confirmation and the replay, then waits. Graceful shutdown closes it with 1001.
    func serve(_ connection: NIOLoopBound<SocketConnection>, channel: any Channel, admission: SocketAdmission, connectionID: String,
               accepted: Bool) async {
        let loop = connection.eventLoop
        guard accepted else {
            count(.perUserLimit)
            loop.execute {
                connection.value.close(.policyViolation, reason: "too many connections for this user (max \(self.settings.maxConnectionsPerUser))")
            }
            try? await channel.closeFuture.get()
            return
        }
        let shard = shard(for: loop)
        await withGracefulShutdownHandler {
            do {
                try await loop.submit { shard.value.add(connection.value) }.get()
                try await open(connection, admission: admission, connectionID: connectionID)
            } catch {
                logger.warning("websocket open failed", metadata: ["channel": .string(admission.channel), "error": .string("\(error)")])
                count(.brokerError)
                loop.execute { connection.value.close(.tryAgainLater, reason: "event broker unavailable") }
            }
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            loop.execute { connection.value.close(.goingAway, reason: "server shutting down") }
        }
        try? await loop.submit { shard.value.remove(connection.value) }.get()
        release(admission)
    }

    private func open(_ connection: NIOLoopBound<SocketConnection>, admission: SocketAdmission, connectionID: String) async throws(BrokerError) {
        var replay: [DeliveredEvent] = []
        var resync: ByteBuffer?
        let current: Int64
        if let since = admission.since {
            switch try await broker.replay(channel: admission.channel, since: since) {
            case .events(let events, let seq):
                replay = events
                current = seq
            case .resyncRequired(let seq):
                current = seq
                resync = SocketMessages.resync(channel: admission.channel, since: since, current: seq)
            }
        } else {
            current = try await broker.currentSequence(of: admission.channel)
        }
        let confirmation = SocketMessages.confirmation(admission: admission, connectionID: connectionID, seq: current, replayed: replay.count)
        connection.eventLoop.execute { [replay, resync] in
            connection.value.begin(confirmation: confirmation, replay: replay, resync: resync, current: current)
        }
    }

    // MARK: - Status

    /// What `/ws/status` reports.
    func status() async -> JSONValue {
        let published = await broker.publishedCount
        return counters.withLockedValue { counters in
            let total = counters.byChannel.values.reduce(0, +)
            return .object([
                "connections": .object([
                    "total": .int(Int64(total)),
                    "by_type": .object(["dashboard": .int(Int64(counters.byKind["dashboard"] ?? 0)),
                                        "student": .int(Int64(counters.byKind["student"] ?? 0)),
                                        "pipeline": .int(Int64(counters.byKind["pipeline"] ?? 0))]),
                    "by_channel": .object(counters.byChannel.mapValues { .int(Int64($0)) }),
                    "opened_since_start": .int(Int64(counters.opened)),
                ]),
                "events": .object([
                    "published": .int(Int64(published)),
                    "delivered": .int(Int64(counters.delivered)),
                    "dropped": .int(Int64(counters.dropped)),
                ]),
                "disconnects": .object(Dictionary(uniqueKeysWithValues: Disconnect.allCases.map {
                    ($0.rawValue, JSONValue.int(Int64(counters.disconnects[$0.rawValue] ?? 0)))
                })),
                "close_codes": .object(Dictionary(uniqueKeysWithValues: counters.closeCodes.map { (String($0.key), JSONValue.int(Int64($0.value))) })),
                "broker": .string(brokerName),
                "limits": .object([
                    "max_message_bytes": .int(Int64(settings.maxMessageBytes)),
                    "idle_timeout_s": .double(Double(SocketConnection.nanoseconds(settings.idleTimeout)) / 1e9),
                    "max_queued_messages": .int(Int64(settings.maxQueuedMessages)),
                    "max_connections_per_user": .int(Int64(settings.maxConnectionsPerUser)),
                    "rate_burst": .double(settings.rateBurst),
                    "rate_per_second": .double(settings.ratePerSecond),
                ]),
            ])
        }
    }
}

/// A shard with the loop it belongs to. The shard is created off the loop but only ever read or
/// changed on it (`value` asserts so; unchecked in release builds), which is what makes this
/// wrapper sendable.
struct LoopShard: @unchecked Sendable {
    private let shard: SocketShard
    let eventLoop: any EventLoop
    /// Events for the shard that its loop has not taken yet (filled by the broker's sink).
    private let queued = NIOLockedValueBox([OutboundEvent]())

    init(shard: SocketShard, eventLoop: any EventLoop) {
        self.shard = shard
        self.eventLoop = eventLoop
    }

    /// Queues events for the shard; true when the queue was empty, so the caller schedules the
    /// delivery (later events join the scheduled one until the loop takes them).
    func enqueue(_ events: [OutboundEvent]) -> Bool {
        queued.withLockedValue { queued in
            let wasEmpty = queued.isEmpty
            queued.append(contentsOf: events)
            return wasEmpty
        }
    }

    /// The queued events, oldest first; empties the queue.
    func takeQueued() -> [OutboundEvent] {
        queued.withLockedValue { queued in
            defer { queued.removeAll(keepingCapacity: true) }
            return queued
        }
    }

    var value: SocketShard {
        eventLoop.assertInEventLoop()
        return shard
    }
}

/// The connections of one event loop, by channel (confined to that loop).
final class SocketShard {
    private var byChannel: [String: [ObjectIdentifier: SocketConnection]] = [:]

    func add(_ connection: SocketConnection) {
        byChannel[connection.admission.channel, default: [:]][ObjectIdentifier(connection)] = connection
    }

    func remove(_ connection: SocketConnection) {
        byChannel[connection.admission.channel]?[ObjectIdentifier(connection)] = nil
        if byChannel[connection.admission.channel]?.isEmpty == true { byChannel[connection.admission.channel] = nil }
    }

    /// Hands events to their channels' connections (each connection gets its channel's events
    /// in order, in one write); returns the number of deliveries.
    func deliver(_ events: [OutboundEvent]) -> Int {
        var count = 0
        for (channel, batch) in OutboundEvent.byChannel(events) {
            guard let connections = byChannel[channel] else { continue }
            for connection in connections.values { connection.deliver(batch) }
            count += connections.count * batch.count
        }
        return count
    }
}

/// An event on its way to subscribers, with its encoded text frame (shared by all of them).
struct OutboundEvent {
    let event: DeliveredEvent
    let frame: ByteBuffer

    /// The events grouped by channel, each group in the original order.
    static func byChannel(_ events: [OutboundEvent]) -> [(String, [OutboundEvent])] {
        if let first = events.first, events.allSatisfy({ $0.event.channel == first.event.channel }) {
            return [(first.event.channel, events)]
        }
        var order: [String] = []
        var groups: [String: [OutboundEvent]] = [:]
        for event in events {
            if groups[event.event.channel] == nil { order.append(event.event.channel) }
            groups[event.event.channel, default: []].append(event)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }
}
