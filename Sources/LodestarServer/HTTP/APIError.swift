import Foundation
import HTTPTypes
import Hummingbird
import Learning
import NIOHTTP1
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
    /// The request's id (`X-Request-Id`), given in 5xx bodies so a report can be matched to the log.
    public var requestID: String?

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = jsonBody().response(status: status)
        if let requestID { response.headers[.requestID] = requestID }
        return response
    }

    /// What a client sees of a server-side failure: nothing of its detail (no SQL, no paths), only
    /// the id under which the detail is logged.
    static func internalError(requestID: String) -> APIError {
        var error = APIError(.internalServerError, code: "internal", message: "internal error")
        error.requestID = requestID
        return error
    }

    /// The `{"error": {...}}` body.
    func jsonBody() -> JSONOutput {
        var output = JSONOutput()
        output.object { o in
            o.key("error")
            o.object { e in
                e.field("code", code)
                e.field("message", message)
                if let requestID { e.field("request_id", requestID) }
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

    /// Maps any error thrown by a handler to an `APIError`. A 5xx leaves here with its detail in
    /// `message`; `ErrorMiddleware` logs it and answers `internalError(requestID:)` instead.
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
///
/// Every response carries `X-Request-Id` (the client's, if it sent a short printable one, else a
/// new random id). A 5xx body says only `internal error` and that id; the detail (SQL text, paths,
/// errno) goes to the log under the same id.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = Self.requestID(request)
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = requestID
            return response
        } catch {
            var mapped: APIError
            switch error {
            case let error as HTTPError where error.status == .notFound:
                mapped = APIError(.notFound, code: "not_found", message: "no route for \(request.method) \(request.uri.path)")
            case let error as HTTPError where error.status.code < 500:
                mapped = APIError(error.status, code: "http_error", message: error.body ?? error.status.reasonPhrase)
            case is HTTPParserError:
                // The body could not be read: the client ended or garbled it (or took too long:
                // `HTTPRequestGuard` has answered 408 and closed the connection).
                mapped = APIError(.badRequest, code: "malformed_request", message: "the request body ended early or is malformed")
            default:
                mapped = APIError.from(error)
            }
            if mapped.status.code >= 500 {
                context.logger.error("request failed", metadata: [
                    "request_id": .string(requestID), "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                    "status": .stringConvertible(mapped.status.code), "code": .string(mapped.code), "detail": .string(mapped.message),
                ])
                mapped = .internalError(requestID: requestID)
            }
            mapped.requestID = requestID
            throw mapped
        }
    }

    /// The client's `X-Request-Id` when it is 1-64 characters of `[A-Za-z0-9._-]`, else a new one.
    static func requestID(_ request: Request) -> String {
        if let given = request.headers[.requestID], (1...64).contains(given.utf8.count), given.utf8.allSatisfy(isIDByte) {
            return given
        }
        var generator = SystemRandomNumberGenerator()
        return String(UInt64.random(in: 0...UInt64.max, using: &generator), radix: 16, uppercase: false)
    }
}

/// `[A-Za-z0-9._-]`.
private func isIDByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
         UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
        return true
    default:
        return false
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`.
    static let requestID = HTTPField.Name("X-Request-Id")!
}
