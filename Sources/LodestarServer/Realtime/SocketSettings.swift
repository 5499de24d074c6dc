/// Limits and timers of the WebSocket channels.
public struct SocketSettings: Sendable {
    /// Largest inbound message (a frame or a fragmented message); larger: close 1009.
    public var maxMessageBytes = 64 << 10
    /// A connection that sends nothing (not even a pong) for this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// How often the server pings (`nil`: a third of the idle timeout).
    public var pingInterval: Duration?
    /// Outbound messages a connection may have queued; a consumer further behind is
    /// disconnected (close 1013) so it never delays the others.
    public var maxQueuedMessages = 1_024
    /// Open connections one token subject may hold; beyond it new ones are closed with 1008.
    public var maxConnectionsPerUser = 20_000
    /// Inbound rate limit per connection: a token bucket of `rateBurst` messages refilled at
    /// `ratePerSecond`; a client that empties it is closed with 1008.
    public var rateBurst = 40.0
    public var ratePerSecond = 20.0
    /// How long a closing handshake may take before the socket is closed anyway.
    public var closeTimeout: Duration = .seconds(3)

    public init() {}

    var effectivePingInterval: Duration {
        pingInterval ?? max(.milliseconds(50), idleTimeout / 3)
    }
}

/// The close codes the server sends (RFC 6455 section 7.4.1).
enum CloseCode: UInt16 {
    case normal = 1000
    case goingAway = 1001
    case protocolError = 1002
    case unsupportedData = 1003
    case invalidPayload = 1007
    case policyViolation = 1008
    case messageTooBig = 1009
    case tryAgainLater = 1013
}
