import Foundation

/// A progress bar with rate and ETA on standard error, shown only when standard error is a terminal
/// and the job has run longer than a second.
final class ProgressBar: @unchecked Sendable {
    // @unchecked Sendable: state is guarded by `lock`; updates come from worker threads.
    private let lock = NSLock()
    private let total: Int
    private let start = Date()
    private let enabled = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(total: Int) { self.total = total }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.withLock {
            let now = Date()
            let elapsed = now.timeIntervalSince(start)
            guard elapsed > 1, now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
            lastDraw = now
            drawn = true
            let rate = Double(done) / max(elapsed, 1e-9)
            let remaining = rate > 0 ? Double(total - done) / rate : 0
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let line = String(format: "\r[%@] %d/%d  %.1f texts/s  ETA %.0fs ", bar, done, total, rate, remaining)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}
