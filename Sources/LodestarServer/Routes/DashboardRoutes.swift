import Foundation
import Hummingbird

/// The dashboard: static files served from the package's resources (`/` is its page).
///
/// No route hands out a token: the page asks for one, or takes it from a sign-in link
/// (`/#token=...`, printed on the console when the server starts on the demo data).
struct DashboardRoutes {
    /// The class the page's form suggests (the demo class when the demo is served).
    var demoClass: String?

    static let files: [String: (name: String, ext: String, type: String)] = [
        "index.html": ("index", "html", "text/html; charset=utf-8"),
        "app.js": ("app", "js", "text/javascript; charset=utf-8"),
        "style.css": ("style", "css", "text/css; charset=utf-8"),
    ]

    static func load(_ file: String) -> Data? {
        guard let entry = files[file] else { return nil }
        return Bundle.module.url(forResource: entry.name, withExtension: entry.ext, subdirectory: "dashboard")
            .flatMap { try? Data(contentsOf: $0) }
    }

    func register(on router: Router<LodestarRequestContext>) {
        router.get("/") { _, _ in try serve("index.html") }
        router.get("dashboard/:file") { _, context in
            try serve(context.parameters.get("file") ?? "")
        }
        router.get("dashboard/config.json") { [demoClass] _, _ in
            var output = JSONOutput()
            output.object { o in
                o.field("demo_class", demoClass ?? "")
                o.field("sign_in", demoClass == nil ? "lodestar token --role teacher --class CLASS_ID"
                                                    : "open the sign-in link printed on the server's console, or run lodestar token")
            }
            return output.response()
        }
    }

    private func serve(_ file: String) throws -> Response {
        guard let entry = Self.files[file], let data = Self.load(file) else {
            throw APIError(.notFound, code: "not_found", message: "no dashboard file \(file)")
        }
        return Response(status: .ok, headers: [.contentType: entry.type, .cacheControl: "no-cache"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
