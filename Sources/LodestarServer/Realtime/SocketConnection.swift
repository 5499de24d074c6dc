import Foundation
import Logging
import NIOCore
import NIOWebSocket
import Realtime
import VectorStore

/// One WebSocket connection: the last handler of its pipeline, confined to its channel's event
/// loop (every method runs there; `NIOLoopBound` wraps it for other threads, and the
/// preconditions are `assert`s, unchecked in release builds).
///
/// Outbound messages are written straight to the channel as frames encoded once per event (through
/// `RawFrameWriter`). When the socket stops taking them, NIO buffers up to its high-water mark
/// (64 KiB) and marks the channel unwritable; a connection that gets more than
/// `maxQueuedMessages` further messages before it is writable again is a slow consumer: it is
/// closed with 1013, so one client that stops reading never delays the others.
final class SocketConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    enum Phase {
        /// Registered for live events, which are held until the confirmation and replay are out.
        case opening(held: [DeliveredEvent])
        /// Sends every live event above `lastSeq`.
        case live
        case closing
        case closed
    }

    let id: String
    let admission: SocketAdmission
    let settings: SocketSettings
    let gateway: SocketGateway
    private var context: ChannelHandlerContext?
    private var phase: Phase = .opening(held: [])
    private var lastSeq: Int64 = 0
    /// Messages written while the channel was not writable (reset when it is again).
    private var queuedWhileBlocked = 0
    private let rawWriter: RawFrameWriter
    private var lastInbound = NIODeadline.now()
    private var bucket: TokenBucket
    private var fragments: (opcode: WebSocketOpcode, data: ByteBuffer)?
    private var timer: RepeatedTask?
    private var closeTimer: Scheduled<Void>?

    init(id: String, admission: SocketAdmission, settings: SocketSettings, gateway: SocketGateway, rawWriter: RawFrameWriter) {
        self.rawWriter = rawWriter
        self.id = id
        self.admission = admission
        self.settings = settings
        self.gateway = gateway
        self.bucket = TokenBucket(capacity: settings.rateBurst, perSecond: settings.ratePerSecond)
    }

    // MARK: - Pipeline

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let interval = TimeAmount.nanoseconds(Self.nanoseconds(settings.effectivePingInterval))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            loopBound.value.tick()
        }
        context.read()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closed
        timer?.cancel()
        closeTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { queuedWhileBlocked = 0 }
        context.fireChannelWritabilityChanged()
    }

    /// The peer closed its side of the TCP connection without a close frame (the server lets
    /// clients half-close, for HTTP): it is gone, so the connection is dropped now instead of at
    /// the next ping's reset or the idle timeout, which would leave it holding a place in the
    /// per-user limit and taking events meanwhile.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, case .inputClosed = event else {
            return context.fireUserInboundEventTriggered(event)
        }
        dropAbnormally(context: context)
    }

    /// Closes the socket at once after the peer left without the closing handshake.
    private func dropAbnormally(context: ChannelHandlerContext) {
        switch phase {
        case .opening, .live: gateway.count(.abnormalClosure)
        case .closing, .closed: break
        }
        phase = .closing
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOWebSocketError {
            // NIO's protocol error handler has already sent the close frame (1009 for a frame over
            // the limit, 1002 otherwise).
            phase = .closing
            if case .invalidFrameLength = error {
                gateway.count(.messageTooBig)
                gateway.count(closedWith: .messageTooBig)
            } else {
                gateway.count(closedWith: .protocolError)
            }
        } else {
            // An I/O error (a reset connection): the peer is gone as with a half-close.
            gateway.logger.debug("websocket error", metadata: ["connection": .string(id), "error": .string("\(error)")])
            return dropAbnormally(context: context)
        }
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        lastInbound = .now()
        // RFC 6455 §5.1-5.2: a client masks every frame, and no extension (so no RSV bit) was
        // negotiated; either fault closes the connection with 1002.
        guard frame.maskKey != nil else { return close(.protocolError, reason: "client frames must be masked") }
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else { return close(.protocolError, reason: "reserved bits set without an extension") }
        switch frame.opcode {
        case .pong:
            return
        case .connectionClose:
            receivedClose(frame)
            return
        case .ping:
            guard allow() else { return }
            guard frame.fin else { return close(.policyViolation, reason: "fragmented control frame") }
            sendControl(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
        case .text, .binary:
            guard allow() else { return }
            if fragments != nil { return close(.policyViolation, reason: "new message inside a fragmented one") }
            if frame.fin {
                handleMessage(opcode: frame.opcode, data: frame.unmaskedData)
            } else {
                fragments = (frame.opcode, frame.unmaskedData)
            }
        case .continuation:
            guard var partial = fragments else { return close(.policyViolation, reason: "continuation without a message") }
            var more = frame.unmaskedData
            guard partial.data.readableBytes + more.readableBytes <= settings.maxMessageBytes else {
                fragments = nil
                gateway.count(.messageTooBig)
                return close(.messageTooBig, reason: "message larger than \(settings.maxMessageBytes) bytes")
            }
            partial.data.writeBuffer(&more)
            if frame.fin {
                fragments = nil
                handleMessage(opcode: partial.opcode, data: partial.data)
            } else {
                fragments = partial
            }
        default:
            close(.policyViolation, reason: "unknown opcode")
        }
    }

    /// Takes a token from the inbound bucket; an empty bucket closes the connection (1008).
    private func allow() -> Bool {
        guard case .live = phase else {
            if case .opening = phase { return bucket.take() }
            return false
        }
        if bucket.take() { return true }
        gateway.count(.rateLimited)
        close(.policyViolation, reason: "rate limit exceeded")
        return false
    }

    private func handleMessage(opcode: WebSocketOpcode, data: ByteBuffer) {
        guard data.readableBytes <= settings.maxMessageBytes else {
            gateway.count(.messageTooBig)
            return close(.messageTooBig, reason: "message larger than \(settings.maxMessageBytes) bytes")
        }
        guard opcode == .text else { return close(.unsupportedData, reason: "only JSON text messages are accepted") }
        let bytes = data.readableBytesView
        // A text message must be UTF-8 (RFC 6455 §8.1): otherwise 1007.
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return close(.invalidPayload, reason: "text messages must be UTF-8")
        }
        guard case .object(let object)? = try? JSONValue.parse(bytes, maxDepth: 16) else {
            return sendText(SocketMessages.error("messages must be JSON objects with a \"type\""))
        }
        switch object["type"] {
        case .string("ping")?:
            sendText(SocketMessages.pong())
        case .string(let type)?:
            sendText(SocketMessages.error("unknown message type \(type); the server understands \"ping\""))
        default:
            sendText(SocketMessages.error("messages must be JSON objects with a \"type\""))
        }
    }

    private func receivedClose(_ frame: WebSocketFrame) {
        guard let context else { return }
        switch phase {
        case .closing, .closed:
            context.close(promise: nil)
        default:
            phase = .closing
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            var reply = context.channel.allocator.buffer(capacity: 2)
            reply.write(webSocketErrorCode: code)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reply)))
                .whenComplete { _ in channel.close(promise: nil) }
        }
    }

    // MARK: - Timers

    private func tick() {
        guard case .live = phase else { return }
        let idle = NIODeadline.now() - lastInbound
        if idle.nanoseconds >= Self.nanoseconds(settings.idleTimeout) {
            gateway.count(.idle)
            return close(.normal, reason: "idle timeout")
        }
        guard let context else { return }
        var data = context.channel.allocator.buffer(capacity: 8)
        data.writeInteger(UInt64(DispatchTime.now().uptimeNanoseconds))
        sendControl(WebSocketFrame(fin: true, opcode: .ping, data: data))
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    // MARK: - Events

    /// Starts delivery: the confirmation, then the replay (or a resync notice), then the live
    /// events held meanwhile that came after them.
    func begin(confirmation: ByteBuffer, replay: [DeliveredEvent], resync: ByteBuffer?, current: Int64) {
        guard case .opening(let held) = phase else { return }
        phase = .live
        lastInbound = .now()  // the idle clock starts with the confirmation
        sendText(confirmation)
        if let resync { sendText(resync) }
        lastSeq = current
        if let since = admission.since, resync == nil {
            lastSeq = since
            for event in replay where event.seq > lastSeq {
                sendEvent(event, frame: RawFrameWriter.textFrame(event.message), flush: true)
            }
            lastSeq = max(lastSeq, current)
        }
        for event in held where event.seq > lastSeq {
            sendEvent(event, frame: RawFrameWriter.textFrame(event.message), flush: true)
        }
    }

    /// Live events of this connection's channel, in order (each with its encoded text frame,
    /// shared by every subscriber), written together and flushed once.
    func deliver(_ events: [OutboundEvent]) {
        switch phase {
        case .opening(var held):
            guard held.count + events.count <= settings.maxQueuedMessages else { return slowConsumer() }
            phase = .closing  // avoid a copy-on-write of `held`
            held.append(contentsOf: events.lazy.map(\.event))
            phase = .opening(held: held)
        case .live:
            var wrote = false
            for outbound in events where outbound.event.seq > lastSeq {
                sendEvent(outbound.event, frame: outbound.frame, flush: false)
                wrote = true
            }
            if wrote { rawWriter.flush() }
        case .closing, .closed:
            return
        }
    }

    private func sendEvent(_ event: DeliveredEvent, frame: ByteBuffer, flush: Bool) {
        lastSeq = event.seq
        sendFrame(frame, flush: flush)
    }

    private func sendText(_ payload: ByteBuffer) {
        sendFrame(RawFrameWriter.textFrame(payload))
    }

    /// Writes an encoded data frame, counting it against the queue bound while the socket is not
    /// taking data.
    private func sendFrame(_ frame: ByteBuffer, flush: Bool = true) {
        guard let context else { return }
        switch phase {
        case .closing, .closed: return
        default: break
        }
        if !context.channel.isWritable {
            queuedWhileBlocked += 1
            guard queuedWhileBlocked <= settings.maxQueuedMessages else { return slowConsumer() }
        }
        rawWriter.write(frame, flush: flush)
    }

    /// Writes a control frame (ping, pong) through the frame encoder.
    private func sendControl(_ frame: WebSocketFrame) {
        guard let context else { return }
        switch phase {
        case .closing, .closed: return
        default: break
        }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    private func slowConsumer() {
        gateway.count(.slowConsumer, droppedEvents: queuedWhileBlocked)
        close(.tryAgainLater, reason: "slow consumer: too many messages queued", timeout: .milliseconds(500))
    }

    // MARK: - Closing

    /// Sends a close frame and closes the socket when the peer answers or after the close timeout.
    func close(_ code: CloseCode, reason: String, timeout: Duration? = nil) {
        guard let context else { return }
        switch phase {
        case .closing, .closed: return
        default: break
        }
        phase = .closing
        gateway.count(closedWith: code)
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code.rawValue)))
        data.writeString(String(reason.utf8.prefix(120)) ?? "")
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        let channel = context.channel
        closeTimer = context.eventLoop.scheduleTask(in: .nanoseconds(Self.nanoseconds(timeout ?? settings.closeTimeout))) {
            channel.close(promise: nil)
        }
    }
}
