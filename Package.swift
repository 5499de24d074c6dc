// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Lodestar",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lodestar", targets: ["lodestar"]),
        .library(name: "Embeddings", targets: ["Embeddings"]),
        .library(name: "VectorIndex", targets: ["VectorIndex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System-library shim: the only target that sees cblas.h. Wrapped by Embeddings/BLAS.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // Packed-weight GEMM for batches of few tokens (AVX2+FMA with a portable fallback, chosen at
        // run time). Used only through Embeddings' internal wrapper.
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        // Core: tokenizer, safetensors, BERT encoder, pooling. No server or storage dependencies.
        .target(
            name: "Embeddings",
            dependencies: ["COpenBLAS", "CKernels"]
        ),
        // Core: HNSW and flat indexes, distance kernels, index files. Standard library only (plus
        // the package's own C kernels).
        .target(
            name: "VectorIndex",
            dependencies: ["CKernels"]
        ),
        // The command-line tool (the only target that imports ArgumentParser).
        .executableTarget(
            name: "lodestar",
            dependencies: [
                "Embeddings",
                "VectorIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EmbeddingsTests",
            dependencies: ["Embeddings"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "VectorIndexTests",
            dependencies: ["VectorIndex"]
        ),
        .testTarget(
            name: "lodestarTests",
            dependencies: ["lodestar"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
