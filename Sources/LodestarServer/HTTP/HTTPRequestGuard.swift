import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1

/// Sits right after the HTTP/1.1 request decoder of every connection, until a WebSocket upgrade
/// removes it:
///
/// - a request the decoder cannot parse is answered at once with a JSON error — 431 for a head
///   larger than the decoder's limit, 505 for another HTTP version (an HTTP/2 preface, say), 400
///   for the rest (bad method, malformed or negative or overflowing `Content-Length`,
///   `Content-Length` with chunked encoding, bad chunk sizes) — and the connection is closed;
/// - a WebSocket handshake without a valid `Sec-WebSocket-Key` or with a `Sec-WebSocket-Version`
///   other than 13 is answered 400 (with `Sec-WebSocket-Version: 13`) and closed, before NIO's
///   upgrader, which would drop such a connection without an answer;
/// - a request that has not arrived whole (head and body) within `requestTimeout` of its head is
///   answered 408 if no response has started, and the connection is closed: a body trickled a byte
///   at a time cannot hold a socket and a handler for long.
final class HTTPRequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let requestTimeout: TimeAmount?
    private var deadline: Scheduled<Void>?
    /// A response to the current request has started (it may be complete: a handler can answer
    /// before it has read the whole body).
    private var responseStarted = false
    /// The connection is being closed after an error answer.
    private var closing = false

    init(requestTimeout: TimeAmount?) {
        self.requestTimeout = requestTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            responseStarted = false
            if let problem = Self.handshakeProblem(head) {
                answerAndClose(context: context, status: .badRequest, code: "bad_handshake", message: problem,
                               extraHeaders: [("Sec-WebSocket-Version", "13")])
                return
            }
            if let requestTimeout {
                let channel = context.channel
                let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
                deadline?.cancel()
                deadline = context.eventLoop.scheduleTask(in: requestTimeout) {
                    loopBound.value.requestTimedOut(channel: channel)
                }
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let head) = unwrapOutboundIn(data), head.status.code >= 200 { responseStarted = true }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let (status, message) = Self.answer(to: error)
        answerAndClose(context: context, status: status, code: status == .badRequest ? "malformed_request" : "http_error", message: message)
        context.fireErrorCaught(error)
    }

    /// What is wrong with a WebSocket upgrade request's key or version (`nil`: nothing, or not an
    /// upgrade request).
    static func handshakeProblem(_ head: HTTPRequestHead) -> String? {
        guard head.headers[canonicalForm: "upgrade"].contains(where: { $0.lowercased() == "websocket" }) else { return nil }
        let keys = head.headers["Sec-WebSocket-Key"]
        guard keys.count == 1, let key = Data(base64Encoded: keys[0].trimmingCharacters(in: .whitespaces)), key.count == 16 else {
            return "malformed WebSocket handshake: Sec-WebSocket-Key must be 16 bytes in base64"
        }
        guard head.headers["Sec-WebSocket-Version"].map({ $0.trimmingCharacters(in: .whitespaces) }) == ["13"] else {
            return "unsupported WebSocket version: this server speaks version 13"
        }
        return nil
    }

    /// The status and message for a request the decoder refused.
    static func answer(to error: HTTPParserError) -> (HTTPResponseStatus, String) {
        switch error {
        case .headerOverflow:
            return (.requestHeaderFieldsTooLarge, "the request head is larger than the server accepts")
        case .invalidVersion:
            return (.httpVersionNotSupported, "this server speaks HTTP/1.1 (and HTTP/1.0) only")
        case .invalidMethod:
            return (.badRequest, "malformed HTTP request: unknown method")
        case .invalidContentLength, .unexpectedContentLength:
            return (.badRequest, "malformed HTTP request: invalid Content-Length (or Content-Length with chunked encoding)")
        case .invalidChunkSize:
            return (.badRequest, "malformed HTTP request: invalid chunk size")
        case .invalidURL:
            return (.badRequest, "malformed HTTP request: invalid request target")
        default:
            return (.badRequest, "malformed HTTP request")
        }
    }

    private func requestTimedOut(channel: any Channel) {
        deadline = nil
        guard channel.isActive, let context = try? channel.pipeline.syncOperations.context(handler: self) else { return }
        if responseStarted {
            context.close(promise: nil)
        } else {
            answerAndClose(context: context, status: .requestTimeout, code: "request_timeout",
                           message: "the request was not received in time")
        }
    }

    /// Writes a JSON error response (unless one has started) and closes the connection.
    private func answerAndClose(context: ChannelHandlerContext, status: HTTPResponseStatus, code: String, message: String,
                                extraHeaders: [(String, String)] = []) {
        guard !closing else { return }
        closing = true
        let channel = context.channel
        guard !responseStarted else {
            context.close(promise: nil)
            return
        }
        let error = APIError(HTTPResponse.Status(code: Int(status.code)), code: code, message: message)
        let body = ByteBuffer(bytes: error.jsonBody().bytes)
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: HTTPHeaders([
            ("Connection", "close"), ("Content-Type", "application/json"), ("Content-Length", String(body.readableBytes)),
        ] + extraHeaders))
        responseStarted = true
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
}
