import Foundation
import Hummingbird
import VectorStore

/// `/healthz`, `/metrics` and `/openapi.json` (no token needed).
struct SystemRoutes {
    let store: Store
    let metrics: ServiceMetrics

    func register(on router: Router<LodestarRequestContext>) {
        router.get("healthz") { _, _ in
            var output = JSONOutput()
            output.object { o in
                o.field("status", "ok")
                o.field("collections", store.listCollections().count)
                o.key("model")
                o.optionalString(store.embedder?.modelName)
            }
            return output.response()
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("openapi.json") { _, _ in
            guard let data = OpenAPIDocument.data else {
                throw APIError(.internalServerError, code: "internal", message: "openapi.json resource is missing")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}

/// The OpenAPI 3.1 description of the API, a package resource.
enum OpenAPIDocument {
    static let data: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
}
