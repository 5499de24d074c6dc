// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Lodestar",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lodestar", targets: ["lodestar"]),
        .library(name: "Embeddings", targets: ["Embeddings"]),
        .library(name: "VectorIndex", targets: ["VectorIndex"]),
        .library(name: "VectorStore", targets: ["VectorStore"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Realtime", targets: ["Realtime"]),
        .library(name: "RealtimePostgres", targets: ["RealtimePostgres"]),
        .library(name: "LodestarServer", targets: ["LodestarServer"]),
        .library(name: "LodestarSupport", targets: ["LodestarSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System-library shim: the only target that sees cblas.h. Wrapped by Embeddings/BLAS.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // Packed-weight GEMM, attention, LayerNorm and distance kernels (AVX-512 or AVX2+FMA with a
        // portable fallback, chosen at run time). Used only through Embeddings' internal wrapper.
        // Built with SwiftPM's own flags (no unsafeFlags, so the package can be a dependency): the
        // GEMM tiles' register loops carry `clang loop unroll(full)`, which is what -O3 had given.
        .target(name: "CKernels"),
        // Core: tokenizer, safetensors, BERT encoder, pooling. No server or storage dependencies.
        .target(
            name: "Embeddings",
            dependencies: ["COpenBLAS", "CKernels"]
        ),
        // Small shared types, standard library only (the seeded generator).
        .target(name: "LodestarSupport"),
        // Core: HNSW and flat indexes, distance kernels, index files. Standard library only (plus
        // the package's own C kernels and support types).
        .target(
            name: "VectorIndex",
            dependencies: ["CKernels", "LodestarSupport"]
        ),
        // Adapter: Chroma-style collections persisted in SQLite (GRDB) plus one index file per
        // collection. Embeds documents through a protocol, so it does not depend on the engine.
        .target(
            name: "VectorStore",
            dependencies: [
                "VectorIndex",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Events and their in-process hub: the contract between the domain and the sockets.
        .target(name: "Realtime"),
        // Adapter: the event broker shared by several nodes through PostgreSQL (events table,
        // per-channel sequence numbers, LISTEN/NOTIFY).
        .target(
            name: "RealtimePostgres",
            dependencies: [
                "Realtime",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Domain: classes, students, curriculum, grading, BKT mastery, recommendations, demo data.
        .target(
            name: "Learning",
            dependencies: [
                "VectorStore",
                "LodestarSupport",
                "Realtime",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Resources/demo-curriculum.jsonl")]
        ),
        // Adapter: the HTTP and WebSocket service (the only target that imports Hummingbird), JWT auth,
        // metrics, the dashboard's static files.
        .target(
            name: "LodestarServer",
            dependencies: [
                "Embeddings",
                "VectorStore",
                "Learning",
                "Realtime",
                "RealtimePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/dashboard")]
        ),
        // The command-line tool (the only target that imports ArgumentParser).
        .executableTarget(
            name: "lodestar",
            dependencies: [
                "Embeddings",
                "VectorIndex",
                "VectorStore",
                "LodestarServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The seeded mutation fuzzer the test suites share (test support only; no product uses it).
        .target(name: "FuzzSupport", dependencies: ["LodestarSupport"], path: "Tests/FuzzSupport"),
        .testTarget(
            name: "EmbeddingsTests",
            dependencies: ["Embeddings", "FuzzSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "VectorIndexTests",
            dependencies: ["VectorIndex", "LodestarSupport", "FuzzSupport"]
        ),
        .testTarget(
            name: "VectorStoreTests",
            dependencies: ["VectorStore", "FuzzSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "LearningTests",
            dependencies: ["Learning", "Embeddings", "LodestarSupport", "FuzzSupport"]
        ),
        .testTarget(
            name: "LodestarServerTests",
            dependencies: [
                "LodestarServer",
                "FuzzSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "lodestarTests",
            dependencies: ["lodestar"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
