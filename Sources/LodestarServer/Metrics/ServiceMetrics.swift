import Foundation
import Prometheus

/// The service's Prometheus metrics, in one registry owned by the application (no global
/// bootstrap, so several applications can live in one process, as in tests).
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    private static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    nonisolated(unsafe) private static let requests = MetricNameDescriptor(
        namespace: "lodestar", metricName: "http_requests", unitName: "total",
        helpText: "HTTP requests by method, route pattern and status.")
    nonisolated(unsafe) private static let requestDuration = MetricNameDescriptor(
        namespace: "lodestar", metricName: "http_request_duration", unitName: "seconds",
        helpText: "HTTP request latency by method and route pattern.")
    nonisolated(unsafe) private static let embeddedTexts = MetricNameDescriptor(
        namespace: "lodestar", metricName: "embedded_texts", unitName: "total",
        helpText: "Texts embedded by the engine.")
    nonisolated(unsafe) private static let embeddingDuration = MetricNameDescriptor(
        namespace: "lodestar", metricName: "embedding_batch_duration", unitName: "seconds",
        helpText: "Time of one engine call (a coalesced batch of texts).")
    nonisolated(unsafe) private static let indexDuration = MetricNameDescriptor(
        namespace: "lodestar", metricName: "index_operation_duration", unitName: "seconds",
        helpText: "Store operations that use the vector index: query, write, delete, save.")

    // nonisolated(unsafe): the descriptors are immutable structs of strings (not marked Sendable
    // by swift-prometheus).

    public init() {}

    /// Counts a request and records its latency under its route pattern.
    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeValueHistogram(descriptor: Self.requestDuration, labels: [("method", method), ("route", route)],
                                    buckets: Self.latencyBuckets).record(seconds)
    }

    /// Records one call of the embedding engine.
    func recordEmbedding(texts: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.embeddedTexts).increment(by: Int64(texts))
        registry.makeValueHistogram(descriptor: Self.embeddingDuration, buckets: Self.latencyBuckets).record(seconds)
    }

    /// Records a store operation that touches the index (`query`, `write`, `delete`, `save`).
    func recordIndex(operation: String, seconds: Double) {
        registry.makeValueHistogram(descriptor: Self.indexDuration, labels: [("operation", operation)],
                                    buckets: Self.latencyBuckets).record(seconds)
    }

    /// The metrics in Prometheus' text format.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// Times `body` and records it as an index operation.
    func timeIndex<T>(_ operation: String, _ body: () async throws -> T) async rethrows -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { recordIndex(operation: operation, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
        return try await body()
    }
}
