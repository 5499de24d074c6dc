/// The in-process hub: keeps the recent events of each channel with a per-channel sequence number
/// and hands them to subscribers.
public actor EventHub: EventPublisher {
    /// An event as a channel delivers it.
    public struct Delivered: Sendable, Equatable {
        public var channel: String
        public var seq: Int64
        public var event: RealtimeEvent
    }

    private var sequences: [String: Int64] = [:]
    private var recent: [String: [Delivered]] = [:]
    private var subscribers: [String: [Int: AsyncStream<Delivered>.Continuation]] = [:]
    private var nextSubscriber = 0
    /// Events kept per channel.
    public let retention: Int
    /// Events published since start.
    public private(set) var published = 0

    public init(retention: Int = 1_000) {
        self.retention = max(1, retention)
    }

    public func publish(_ event: RealtimeEvent) {
        published += 1
        for channel in event.channels {
            let seq = (sequences[channel] ?? 0) + 1
            sequences[channel] = seq
            let delivered = Delivered(channel: channel, seq: seq, event: event)
            var kept = recent[channel, default: []]
            kept.append(delivered)
            if kept.count > retention { kept.removeFirst(kept.count - retention) }
            recent[channel] = kept
            for continuation in subscribers[channel, default: [:]].values { continuation.yield(delivered) }
        }
    }

    /// The kept events of a channel with a sequence number above `since`, oldest first.
    public func events(channel: String, since: Int64 = 0) -> [Delivered] {
        recent[channel, default: []].filter { $0.seq > since }
    }

    /// The last sequence number of a channel (0 when nothing was published).
    public func sequence(of channel: String) -> Int64 { sequences[channel] ?? 0 }

    /// Live events of a channel from now on.
    public func subscribe(channel: String) -> AsyncStream<Delivered> {
        let (stream, continuation) = AsyncStream.makeStream(of: Delivered.self, bufferingPolicy: .bufferingNewest(retention))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[channel, default: [:]][id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(channel: channel, id: id) }
        }
        return stream
    }

    private func unsubscribe(channel: String, id: Int) {
        subscribers[channel]?[id] = nil
    }
}
