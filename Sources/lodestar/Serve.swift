import ArgumentParser
import Foundation
import LodestarServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service: Chroma-style collections, embeddings, metrics (stops on SIGINT/SIGTERM).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed on start).")
    var port = 8080

    @Option(help: "Data directory: database, index files, JWT secret (default: $LODESTAR_DATA_DIR or ./lodestar-data).")
    var dataDir: String?

    @Option(help: "Model directory (default: $LODESTAR_MODEL_DIR or models/all-MiniLM-L6-v2).")
    var model: String?

    @Option(help: "HS256 signing secret (default: $LODESTAR_JWT_SECRET, else kept in the data directory).")
    var jwtSecret: String?

    @Option(help: "Largest accepted request body, in bytes.")
    var maxBodyBytes = 32 << 20

    @Option(help: "Seconds between saves of changed indexes (also saved on shutdown).")
    var indexSaveInterval = 30.0

    @Option(help: "Engine threads (default: all cores).")
    var threads: Int?

    @Flag(inversion: .prefixedNo, help: "Load the demo curriculum and class class_001 into an empty data directory.")
    var demo = true

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard indexSaveInterval > 0 else { throw ValidationError("--index-save-interval must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        if let dataDir { configuration.dataDirectory = dataDir }
        configuration.modelDirectory = model
        configuration.jwtSecret = jwtSecret ?? ProcessInfo.processInfo.environment["LODESTAR_JWT_SECRET"]
        configuration.maxBodyBytes = maxBodyBytes
        configuration.indexSaveInterval = .milliseconds(Int(indexSaveInterval * 1000))
        configuration.threads = threads
        configuration.loadDemo = demo
        try await LodestarApplication.run(configuration: configuration)
    }
}
