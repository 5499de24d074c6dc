import CKernels
import Foundation
import Synchronization

/// Persistent helper threads for the latency path: one forward pass of a short text hands work to
/// the other cores a few dozen times, and waking a sleeping thread for each hand-off would cost more
/// than the work itself. Helpers spin briefly (about a millisecond) after each job before sleeping.
///
/// One job at a time (callers serialise through `tryAcquire`/`release`). A job is split into at most
/// `threads` parts: the caller runs part 0, helper `i` runs part `i`. Handshake: the caller stores the
/// job, then bumps helper `i`'s `ticket` (release); the helper runs its part and stores the ticket in
/// `done` (release); the caller waits for every `done` before the next job, so the job is never
/// replaced while a helper can still read it.
final class WorkerPool: @unchecked Sendable {
    // @unchecked Sendable: `state.job` and `state.parts` are written only by the owner between jobs
    // and read by helpers only after an acquiring load of their ticket, as described above.
    let threads: Int
    private let helpers: [Helper]
    private let state = JobState()
    private let busy = Mutex(false)

    /// The current job, shared with the helper threads (which hold it strongly, so a helper that
    /// starts late never touches a released pool).
    private final class JobState: @unchecked Sendable {
        var job: ((Int) -> Void)?
        var parts = 0
    }

    private final class Helper: @unchecked Sendable {
        let ticket = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        let stop = Atomic<Bool>(false)
    }

    /// Spin iterations before a helper sleeps (~1 ms on current x86 cores).
    static let spinLimit = 20_000

    init(threads: Int) {
        self.threads = max(1, threads)
        helpers = (1..<max(threads, 1)).map { _ in Helper() }
        for (index, helper) in helpers.enumerated() {
            let state = self.state
            let thread = Thread { Self.helperLoop(helper, state: state, part: index + 1) }
            thread.name = "lodestar-encoder-\(index + 1)"
            thread.start()
        }
    }

    deinit {
        for helper in helpers {
            helper.stop.store(true, ordering: .sequentiallyConsistent)
            helper.ticket.add(1, ordering: .sequentiallyConsistent)
            helper.wake.signal()
        }
    }

    /// Claims the pool for one caller; `false` when another call is using it.
    func tryAcquire() -> Bool {
        busy.withLock { taken in
            if taken { return false }
            taken = true
            return true
        }
    }

    func release() { busy.withLock { $0 = false } }

    /// Runs `body(part)` for `part` in `0..<parts` (at most `threads`), part 0 on the caller.
    func run(parts count: Int, _ body: (Int) -> Void) {
        precondition(count <= threads, "more parts than threads")
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            state.job = body
            state.parts = count
            var tickets: [Int] = []
            for helper in helpers.prefix(count - 1) {
                let ticket = helper.ticket.add(1, ordering: .sequentiallyConsistent).newValue
                tickets.append(ticket)
                if helper.sleeping.exchange(false, ordering: .sequentiallyConsistent) { helper.wake.signal() }
            }
            body(0)
            for (helper, ticket) in zip(helpers, tickets) {
                while helper.done.load(ordering: .acquiring) != ticket { Self.spinPause() }
            }
            state.job = nil
        }
    }

    private static func helperLoop(_ helper: Helper, state: JobState, part: Int) {
        var seen = 0
        while true {
            var spins = 0
            var ticket = helper.ticket.load(ordering: .acquiring)
            while ticket == seen {
                spins += 1
                if spins < Self.spinLimit {
                    spinPause()
                } else {
                    helper.sleeping.store(true, ordering: .sequentiallyConsistent)
                    if helper.ticket.load(ordering: .sequentiallyConsistent) == seen {
                        helper.wake.wait()
                    } else if !helper.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                        helper.wake.wait()  // the owner saw us asleep and signalled: consume it
                    }
                    spins = 0
                }
                ticket = helper.ticket.load(ordering: .acquiring)
            }
            seen = ticket
            if helper.stop.load(ordering: .sequentiallyConsistent) { return }
            if part < state.parts, let job = state.job { job(part) }
            helper.done.store(ticket, ordering: .releasing)
        }
    }

    @inline(__always)
    private static func spinPause() {
        lodestar_cpu_relax()
    }
}
