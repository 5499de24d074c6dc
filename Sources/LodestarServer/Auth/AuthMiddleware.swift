import Hummingbird

/// Requires `Authorization: Bearer <JWT>` (or `?token=` for clients that cannot set headers):
/// a missing, malformed, badly signed or expired token is answered 401; a valid one's claims go
/// into the context for the routes' role checks (403).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = LodestarRequestContext
    let authority: TokenAuthority

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.token(in: request) else {
            throw APIError.unauthorized("missing bearer token: send 'Authorization: Bearer <JWT>'")
        }
        var context = context
        do {
            context.claims = try await authority.verify(token)
        } catch {
            throw APIError.unauthorized("invalid token: \(error.description)")
        }
        return try await next(request, context)
    }

    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] { return bearerToken(header) }
        if let token = request.uri.queryParameters.get("token"), !token.isEmpty { return token }
        return nil
    }

    /// The token of an `Authorization: Bearer <token>` value (`nil`: another scheme, or none).
    /// The one parser of that header, for HTTP routes and WebSocket upgrades alike.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
