import Hummingbird
import VectorStore

/// `/ws/status` (admin) and the plain-HTTP side of the channel paths: a request to
/// `/ws/dashboard/{class_id}`, `/ws/student/{student_id}` or `/ws/pipeline` that was not upgraded
/// gets its refusal here (401 without a valid token, 403 for a channel the token may not open,
/// 400 for a bad `since`), or 426 when it is allowed but is not a WebSocket handshake.
struct SocketRoutes {
    let gateway: SocketGateway
    let authority: TokenAuthority

    func register(on router: Router<LodestarRequestContext>) {
        router.group("ws/status").add(middleware: AuthMiddleware(authority: authority)).get { _, context in
            try context.require([.admin], to: "read the WebSocket status")
            let status = await gateway.status()
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: status.serialized())))
        }
        for path in ["ws/dashboard/:id", "ws/student/:id", "ws/pipeline"] {
            router.get(RouterPath(path)) { request, _ in try await refuse(request) }
        }
    }

    private func refuse(_ request: Request) async throws -> Response {
        switch await gateway.admit(uri: request.uri.description, authorization: request.headers[.authorization]) {
        case .failure(let refusal):
            throw refusal.apiError
        case .success(let admission):
            throw APIError(.upgradeRequired, code: "upgrade_required",
                           message: "\(admission.channel) is a WebSocket channel: connect with a WebSocket client (Upgrade: websocket)")
        }
    }
}
