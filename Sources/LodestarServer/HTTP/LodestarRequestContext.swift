import Hummingbird

/// The request context of every route: Hummingbird's core storage plus the verified token's claims
/// (set by `AuthMiddleware` on `/api` routes).
public struct LodestarRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The verified claims of the bearer token, on authenticated routes.
    public var claims: AccessClaims?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The claims, or 401 (a route behind `AuthMiddleware` always has them).
    func requireClaims() throws -> AccessClaims {
        guard let claims else { throw APIError.unauthorized("missing bearer token") }
        return claims
    }

    /// The claims if their role is one of `roles`; 403 otherwise.
    @discardableResult
    func require(_ roles: Set<Role>, to action: String) throws -> AccessClaims {
        let claims = try requireClaims()
        guard roles.contains(claims.role) else {
            throw APIError.forbidden("role '\(claims.role.rawValue)' may not \(action)")
        }
        return claims
    }
}
