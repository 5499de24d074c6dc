// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so the main build never pulls the benchmark tooling.
//   cd Benchmarks && swift package benchmark
let package = Package(
    name: "LodestarBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EmbeddingBenchmarks",
            dependencies: [
                .product(name: "Embeddings", package: "main"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EmbeddingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "IndexBenchmarks",
            dependencies: [
                .product(name: "VectorIndex", package: "main"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/IndexBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
