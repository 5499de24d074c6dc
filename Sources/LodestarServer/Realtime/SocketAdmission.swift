import Foundation
import Hummingbird
import HummingbirdCore
import Learning

/// The decision about one request to a `/ws/...` path: which channel it asks for and whether its
/// token may open it. Made once for the WebSocket upgrade and again by the router for a request
/// that was not upgraded (so refusals get their HTTP status and JSON body there).
struct SocketAdmission: Sendable {
    /// `dashboard`, `student` or `pipeline`.
    var kind: String
    /// The class or student id (empty for the pipeline).
    var resource: String
    /// `dashboard:class_001`, `student:student_007`, `pipeline`.
    var channel: String
    var claims: AccessClaims
    /// Replay from this sequence number (`?since=`).
    var since: Int64?

    /// Why a request is refused.
    enum Refusal: Error, Sendable {
        case notFound(String)
        case badRequest(String)
        case unauthorized(String)
        case forbidden(String)

        var apiError: APIError {
            switch self {
            case .notFound(let message): return APIError(.notFound, code: "not_found", message: message)
            case .badRequest(let message): return .badRequest(message)
            case .unauthorized(let message): return .unauthorized(message)
            case .forbidden(let message): return .forbidden(message)
            }
        }
    }

    /// Whether `path` names a channel (`/ws/status` does not).
    static func isChannelPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.first == "ws", parts.count >= 2 else { return false }
        return ["dashboard", "student", "pipeline"].contains(parts[1])
    }

    /// Decides for a request to `uri` with an `Authorization` header value.
    static func decide(uri: String, authorization: String?, authority: TokenAuthority,
                       classOfStudent: @Sendable (String) -> String?) async -> Result<SocketAdmission, Refusal> {
        let parsed = URI(uri)
        let parts = parsed.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let kind: String
        let resource: String
        switch (parts.count, parts.first, parts.dropFirst().first) {
        case (3, "ws", "dashboard"), (3, "ws", "student"):
            kind = parts[1]
            resource = parts[2].removingPercentEncoding ?? parts[2]
        case (2, "ws", "pipeline"):
            kind = "pipeline"
            resource = ""
        default:
            return .failure(.notFound("no channel at \(parsed.path): use /ws/dashboard/{class_id}, /ws/student/{student_id} or /ws/pipeline"))
        }
        guard resource.utf8.count <= 256, !resource.contains(where: \.isNewline) else {
            return .failure(.badRequest("channel id is too long or malformed"))
        }
        var since: Int64?
        if let text = parsed.queryParameters.get("since") {
            guard let value = Int64(text), value >= 0 else {
                return .failure(.badRequest("since must be a non-negative integer sequence number"))
            }
            since = value
        }
        let token: String?
        if let authorization {
            token = AuthMiddleware.bearerToken(authorization)
            if token == nil { return .failure(.unauthorized("malformed Authorization header: send 'Authorization: Bearer <JWT>'")) }
        } else {
            token = parsed.queryParameters.get("token").map { String($0) }
        }
        guard let token, !token.isEmpty else {
            return .failure(.unauthorized("missing token: add ?token=<JWT> or 'Authorization: Bearer <JWT>'"))
        }
        let claims: AccessClaims
        do {
            claims = try await authority.verify(token)
        } catch {
            return .failure(.unauthorized("invalid token: \(error.description)"))
        }
        let channel: String
        switch kind {
        case "dashboard":
            guard claims.canAccess(classID: resource) else {
                return .failure(.forbidden("this token may not open the dashboard of class \(resource)"))
            }
            channel = "dashboard:\(resource)"
        case "student":
            // The class is looked up only for a teacher (the only role whose right depends on it).
            let classID = claims.role == .teacher ? classOfStudent(resource) : nil
            guard claims.canAccess(studentID: resource, classID: classID) else {
                return .failure(.forbidden("this token may not open the channel of student \(resource)"))
            }
            channel = "student:\(resource)"
        default:
            guard claims.role == .admin else { return .failure(.forbidden("the pipeline channel is for admins")) }
            channel = "pipeline"
        }
        return .success(SocketAdmission(kind: kind, resource: resource, channel: channel, claims: claims, since: since))
    }
}
