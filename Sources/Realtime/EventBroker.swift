/// What a channel can replay to a client that reconnects with `since`.
public enum Replay: Sendable, Equatable {
    /// Every event after `since`, oldest first; `current` is the channel's last sequence number.
    case events([DeliveredEvent], current: Int64)
    /// The gap is larger than what is kept (or `since` is ahead of the channel): the client must
    /// reload its state. `current` is the channel's last sequence number.
    case resyncRequired(current: Int64)
}

/// Errors of a broker.
public enum BrokerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broker's backing service failed or is unreachable.
    case unavailable(String)
    /// A configuration that cannot work (a malformed URL, ...).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .unavailable(let message): return "event broker unavailable: \(message)"
        case .invalidConfiguration(let message): return "invalid broker configuration: \(message)"
        }
    }
}

/// Publishing and delivery of events across the nodes that share a broker: events get a
/// per-channel sequence number (strictly increasing, the same on every node), every node's sinks
/// receive every event of every channel in sequence order exactly once, and recent events can be
/// replayed.
public protocol EventBroker: EventPublisher {
    /// Adds a sink that receives every delivered event, per channel in sequence order, in
    /// batches: the events published together (`publish(_:)` with several events) or read
    /// together arrive in one call. Sinks are called synchronously on the broker's delivery path:
    /// they must return quickly.
    func addSink(_ sink: @escaping @Sendable ([DeliveredEvent]) -> Void) async
    /// The events of `channel` after `since`, or `.resyncRequired` when some are no longer kept.
    func replay(channel: String, since: Int64) async throws(BrokerError) -> Replay
    /// The channel's last sequence number (0 when nothing was published).
    func currentSequence(of channel: String) async throws(BrokerError) -> Int64
    /// Events published through this node since it started.
    var publishedCount: Int { get async }
}
