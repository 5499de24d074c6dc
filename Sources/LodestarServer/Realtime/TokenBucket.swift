import Foundation

/// A token bucket: `capacity` tokens, refilled continuously at `perSecond`.
struct TokenBucket {
    let capacity: Double
    let perSecond: Double
    private var tokens: Double
    private var updated: UInt64

    init(capacity: Double, perSecond: Double) {
        self.capacity = max(1, capacity)
        self.perSecond = max(0, perSecond)
        self.tokens = self.capacity
        self.updated = DispatchTime.now().uptimeNanoseconds
    }

    /// Takes one token; false when the bucket is empty.
    mutating func take(now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Bool {
        let elapsed = Double(now &- updated) / 1e9
        updated = now
        tokens = min(capacity, tokens + elapsed * perSecond)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
