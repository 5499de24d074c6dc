import Dispatch
import Logging
import ServiceLifecycle
import VectorStore

/// Saves changed indexes every `interval`, and once more on graceful shutdown (after the HTTP
/// server has finished its in-flight requests: services stop in reverse order).
struct IndexSaver: Service {
    let store: Store
    let interval: Duration
    let metrics: ServiceMetrics
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break
                }
                await save()
            }
        }
        await save()
        logger.info("indexes saved")
    }

    private func save() async {
        do {
            try await metrics.timeIndex("save") { try await store.saveIndexes() }
        } catch {
            logger.error("saving indexes failed: \(error)")
        }
    }
}
