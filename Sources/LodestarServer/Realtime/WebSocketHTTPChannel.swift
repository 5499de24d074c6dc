import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The server's connection handler: HTTP/1.1, plus the WebSocket upgrade for `/ws/...` channels.
///
/// The upgrade happens only for a request whose token may open the channel it names; a refused
/// upgrade is answered here with the refusal's status (401, 403, 404, 400), a JSON error body and
/// `Connection: close` (NIO's upgrade handler does not hand a refused upgrade request on), so a
/// client is never half-connected. Every other request goes to the router.
///
/// With an idle timeout, a connection that has not sent a complete first request head within it
/// is closed, and so is a plain HTTP connection idle that long afterwards (Hummingbird's
/// connection-state handler): without them a client that connects and sends nothing, or part of a
/// head, or leaves a keep-alive connection behind a NAT that forgot it, holds its socket forever.
/// Upgraded WebSocket connections are governed by their own ping and idle timers instead.
struct WebSocketHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    enum UpgradeResult: Sendable {
        case websocket(Upgraded)
        case notUpgraded(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, APIError)
    }

    /// What `shouldUpgrade` decided for the connection's upgrade request.
    enum Attempt {
        case admitted(SocketAdmission)
        case refused(APIError)
    }

    struct Upgraded: Sendable {
        let connection: NIOLoopBound<SocketConnection>
        let channel: any Channel
        let admission: SocketAdmission
        let connectionID: String
        let accepted: Bool
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let gateway: SocketGateway
    let idleTimeout: Duration?
    let requestTimeout: Duration?
    let connections: ConnectionLimiter

    init(responder: @escaping HTTPChannelHandler.Responder, gateway: SocketGateway, idleTimeout: Duration?,
         requestTimeout: Duration? = nil, connections: ConnectionLimiter = ConnectionLimiter(limit: .max)) {
        self.responder = responder
        self.gateway = gateway
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.connections = connections
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard connections.acquire() else {
            // Over the limit: a short answer straight to the socket once it is active (no HTTP
            // handlers), then close; `handle` sees the failed result and has nothing to do.
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ConnectionLimiter.Refusal())
                return Value(upgradeResult: channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel), channel: channel)
            }
        }
        channel.closeFuture.whenComplete { [connections] _ in connections.release() }
        return channel.eventLoop.makeCompletedFuture {
            let gateway = self.gateway
            let idleTimeout = self.idleTimeout
            let requestGuard = HTTPRequestGuard(requestTimeout: requestTimeout.map { .nanoseconds(SocketConnection.nanoseconds($0)) })
            // The guard is used on its channel's event loop only (here and in the upgrade handler).
            let boundGuard = NIOLoopBound(requestGuard, eventLoop: channel.eventLoop)
            // Closes the connection unless its first request head arrives in time (cancelled when
            // the upgrade handler has the head: in `shouldUpgrade` or when not upgrading).
            let headDeadline = NIOLoopBoundBox<Scheduled<Void>?>(nil, eventLoop: channel.eventLoop)
            if let idleTimeout {
                headDeadline.value = channel.eventLoop.scheduleTask(in: .nanoseconds(SocketConnection.nanoseconds(idleTimeout))) {
                    channel.close(promise: nil)
                }
            }
            // The decision of `shouldUpgrade`, used by the pipeline set-up that follows.
            let attempt = NIOLoopBoundBox<Attempt?>(nil, eventLoop: channel.eventLoop)
            let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
                maxFrameSize: gateway.settings.maxMessageBytes,
                shouldUpgrade: { channel, head in
                    // The head is in: what follows (admission, upgrade) is the server's time, not the client's.
                    headDeadline.value?.cancel()
                    let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
                    guard SocketAdmission.isChannelPath(path) else {
                        attempt.value = .refused(APIError(.notFound, code: "not_found", message: "\(path) is not a WebSocket channel"))
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    let promise = channel.eventLoop.makePromise(of: Attempt.self)
                    let uri = head.uri
                    let authorization = head.headers.first(name: "Authorization")
                    promise.completeWithTask {
                        switch await gateway.admit(uri: uri, authorization: authorization) {
                        case .success(let admission): return .admitted(admission)
                        case .failure(let refusal): return .refused(refusal.apiError)
                        }
                    }
                    return promise.futureResult.map { decision in
                        attempt.value = decision
                        if case .admitted = decision { return HTTPHeaders() }
                        return nil
                    }
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard case .admitted(let admission)? = attempt.value else { throw ChannelError.inappropriateOperationForState }
                        // HTTP is over on this connection: the request guard's types no longer fit.
                        _ = channel.pipeline.syncOperations.removeHandler(boundGuard.value)
                        let (id, accepted) = gateway.reserve(admission)
                        let rawWriter = RawFrameWriter()
                        let connection = SocketConnection(id: id, admission: admission, settings: gateway.settings, gateway: gateway,
                                                          rawWriter: rawWriter)
                        try channel.pipeline.syncOperations.addHandler(rawWriter, position: .first)
                        try channel.pipeline.syncOperations.addHandler(connection)
                        return UpgradeResult.websocket(Upgraded(connection: NIOLoopBound(connection, eventLoop: channel.eventLoop),
                                                                channel: channel, admission: admission, connectionID: id,
                                                                accepted: accepted))
                    }
                }
            )
            let serverUpgrade = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        headDeadline.value?.cancel()
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: idleTimeout, logger: logger))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        if case .refused(let error)? = attempt.value { return UpgradeResult.refused(http, error) }
                        return UpgradeResult.notUpgraded(http)
                    }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: serverUpgrade)
            configuration.enablePipelining = false
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(requestGuard, position: .after(decoder))
            return Value(upgradeResult: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .notUpgraded(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http, let error):
                await Self.refuse(http, error: error, logger: logger)
            case .websocket(let upgraded):
                await gateway.serve(upgraded.connection, channel: upgraded.channel, admission: upgraded.admission,
                                    connectionID: upgraded.connectionID, accepted: upgraded.accepted)
            }
        } catch {
            // A malformed handshake (no key, wrong version): nothing more can be read from it.
            logger.debug("connection set-up failed", metadata: ["error": .string("\(error)")])
            try? await value.channel.close()
        }
    }

    /// Answers a refused upgrade request and closes the connection.
    static func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, error: APIError, logger: Logger) async {
        do {
            try await http.executeThenClose { _, outbound in
                let body = ByteBuffer(bytes: error.jsonBody().bytes)
                let head = HTTPResponse(status: error.status, headerFields: [
                    .connection: "close", .contentType: "application/json", .contentLength: String(body.readableBytes),
                ])
                try await outbound.write(contentsOf: [.head(head), .body(body), .end(nil)])
            }
        } catch {
            logger.trace("could not answer a refused upgrade", metadata: ["error": .string("\(error)")])
        }
    }
}
