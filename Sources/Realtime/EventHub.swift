/// The in-process broker: keeps the last `retention` events of each channel with a per-channel
/// sequence number and hands every event to the sinks (one node; the default).
public actor EventHub: EventBroker {
    /// An event as a channel delivers it.
    public typealias Delivered = DeliveredEvent

    private var sequences: [String: Int64] = [:]
    private var recent: [String: RecentEvents] = [:]
    private var sinks: [@Sendable ([DeliveredEvent]) -> Void] = []
    /// Events kept per channel.
    public let retention: Int
    /// Events published since start.
    public private(set) var published = 0

    public init(retention: Int = 1_000) {
        self.retention = max(1, retention)
    }

    public func publish(_ event: RealtimeEvent) {
        publish([event])
    }

    /// Numbers the events in order (per channel) and hands them to the sinks in one call.
    public func publish(_ events: [RealtimeEvent]) {
        var batch: [DeliveredEvent] = []
        for event in events {
            published += 1
            for channel in event.channels {
                let seq = (sequences[channel] ?? 0) + 1
                sequences[channel] = seq
                batch.append(DeliveredEvent(channel: channel, seq: seq, event: event))
            }
        }
        deliver(batch)
    }

    /// Records and hands out events whose sequence numbers were assigned elsewhere (by a broker
    /// shared between nodes), in order. Events at or below their channel's last sequence number
    /// are ignored, so a redelivery is harmless.
    public func accept(_ events: [DeliveredEvent]) {
        var batch: [DeliveredEvent] = []
        for delivered in events where delivered.seq > (sequences[delivered.channel] ?? 0) {
            sequences[delivered.channel] = delivered.seq
            batch.append(delivered)
        }
        deliver(batch)
    }

    private func deliver(_ batch: [DeliveredEvent]) {
        guard !batch.isEmpty else { return }
        for delivered in batch {
            recent[delivered.channel, default: RecentEvents()].append(delivered, keeping: retention)
        }
        for sink in sinks { sink(batch) }
    }

    public func addSink(_ sink: @escaping @Sendable ([DeliveredEvent]) -> Void) {
        sinks.append(sink)
    }

    public var publishedCount: Int { published }

    public func replay(channel: String, since: Int64) -> Replay {
        let current = sequences[channel] ?? 0
        let kept = recent[channel]?.events ?? []
        let oldest = kept.first?.seq ?? current + 1
        if since > current || since + 1 < oldest { return .resyncRequired(current: current) }
        return .events(kept.filter { $0.seq > since }, current: current)
    }

    public func currentSequence(of channel: String) -> Int64 { sequences[channel] ?? 0 }

    /// The kept events of a channel with a sequence number above `since`, oldest first.
    public func events(channel: String, since: Int64 = 0) -> [DeliveredEvent] {
        (recent[channel]?.events ?? []).filter { $0.seq > since }
    }
}

/// The last events of one channel (a ring that drops its oldest beyond the retention).
struct RecentEvents {
    private var storage: [DeliveredEvent] = []
    private var start = 0

    var events: ArraySlice<DeliveredEvent> { storage[start...] }

    mutating func append(_ event: DeliveredEvent, keeping retention: Int) {
        storage.append(event)
        if storage.count - start > retention { start += 1 }
        if start >= retention { storage.removeFirst(start); start = 0 }
    }
}
