import Foundation
import Hummingbird
import Learning
import VectorStore

/// An error answered as `{"error": {"code", "message"}}` with an HTTP status. Every component's
/// errors are mapped to it here, and only here.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code (`collection_not_found`, `invalid_json`, ...).
    public var code: String
    public var message: String
    /// Extra fields of the error object (an import's bad lines, say).
    public var details: [String: JSONValue]

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        jsonBody().response(status: status)
    }

    /// The `{"error": {...}}` body.
    func jsonBody() -> JSONOutput {
        var output = JSONOutput()
        output.object { o in
            o.key("error")
            o.object { e in
                e.field("code", code)
                e.field("message", message)
                for key in details.keys.sorted() {
                    e.key(key)
                    e.json(details[key] ?? .null)
                }
            }
        }
        return output
    }

    static func badRequest(_ message: String, code: String = "invalid_argument") -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message)
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "forbidden", message: message)
    }

    /// Maps any error thrown by a handler to an `APIError`.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as StoreError: return from(store: error)
        case let error as LearningError: return from(learning: error)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return APIError(.contentTooLarge, code: "payload_too_large", message: "request body is larger than the configured limit")
        default:
            return APIError(.internalServerError, code: "internal", message: "\(error)")
        }
    }

    static func from(learning error: LearningError) -> APIError {
        let message = error.description
        switch error {
        case .studentNotFound: return APIError(.notFound, code: "student_not_found", message: message)
        case .classNotFound: return APIError(.notFound, code: "class_not_found", message: message)
        case .itemNotFound: return APIError(.notFound, code: "item_not_found", message: message)
        case .conceptNotFound: return APIError(.notFound, code: "concept_not_found", message: message)
        case .invalidAnswer: return .badRequest(message, code: "invalid_answer")
        case .invalidArgument: return .badRequest(message)
        case let .importFailed(problems):
            return APIError(.badRequest, code: "import_failed", message: message, details: [
                "problems": .array(problems.map { ["line": .int(Int64($0.line)), "message": .string($0.message)] }),
            ])
        case .storage: return APIError(.internalServerError, code: "storage", message: message)
        }
    }

    static func from(store error: StoreError) -> APIError {
        let message = error.description
        switch error {
        case .collectionNotFound: return APIError(.notFound, code: "collection_not_found", message: message)
        case .collectionExists: return APIError(.conflict, code: "collection_exists", message: message)
        case .invalidArgument: return .badRequest(message)
        case .invalidFilter: return .badRequest(message, code: "invalid_filter")
        case .dimensionMismatch: return .badRequest(message, code: "dimension_mismatch")
        case .duplicateIDs: return .badRequest(message, code: "duplicate_ids")
        case .embeddingUnavailable: return APIError(.unprocessableContent, code: "embedding_unavailable", message: message)
        case .storage: return APIError(.internalServerError, code: "storage", message: message)
        }
    }
}

/// Turns every error of the routes behind it into the JSON error shape (including the router's
/// own 404s and body-size errors), so no handler error reaches the client in another form.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            throw APIError(.notFound, code: "not_found", message: "no route for \(request.method) \(request.uri.path)")
        } catch let error as HTTPError {
            throw APIError(error.status, code: "http_error", message: error.body ?? error.status.reasonPhrase)
        } catch {
            throw APIError.from(error)
        }
    }
}
