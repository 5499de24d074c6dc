import NIOConcurrencyHelpers
import NIOCore

/// Counts the server's open connections against a limit (`--max-connections`). A connection over
/// the limit gets a `503` written straight to its socket and is closed at once, so a flood of
/// connections cannot exhaust the process's descriptors and starve everyone else.
public final class ConnectionLimiter: Sendable {
    /// Most connections open at once.
    public let limit: Int
    private let state = NIOLockedValueBox((open: 0, refused: 0))

    public init(limit: Int) {
        self.limit = limit
    }

    /// Takes a place; `false` when all are taken.
    func acquire() -> Bool {
        state.withLockedValue { state in
            guard state.open < limit else {
                state.refused += 1
                return false
            }
            state.open += 1
            return true
        }
    }

    /// Gives a place back.
    func release() {
        state.withLockedValue { $0.open -= 1 }
    }

    /// Connections open now, and connections refused so far.
    public var counts: (open: Int, refused: Int) { state.withLockedValue { $0 } }

    /// The whole pipeline of a connection over the limit: writes a `503` as soon as the socket is
    /// active, then closes it (reads nothing).
    final class Refusal: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private var done = false

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { refuse(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            refuse(context)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

        private func refuse(_ context: ChannelHandlerContext) {
            guard !done else { return }
            done = true
            let body = #"{"error":{"code":"too_many_connections","message":"the server has too many open connections; retry later"}}"#
            let response = context.channel.allocator.buffer(string: "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
            let channel = context.channel
            context.writeAndFlush(NIOAny(response)).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
