import Episodes
import Foundation

/// A token bucket per tool: at most `rate` calls a second on average, bursts up to `rate`
/// (at least one call).
/// Time is passed in, so the rule can be tested without waiting.
public struct RateLimiter: Sendable {
    public let rate: Double
    private var buckets: [String: (tokens: Double, updated: Double)] = [:]

    private var capacity: Double { max(1, rate) }

    public init(callsPerSecond rate: Double) {
        self.rate = rate
    }

    /// Takes a token for `tool` at time `now` (seconds), or explains why it cannot.
    public mutating func admit(_ tool: String, now: Double) -> RuleFinding? {
        var bucket = buckets[tool] ?? (tokens: capacity, updated: now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        defer { buckets[tool] = bucket }
        guard bucket.tokens >= 1 else {
            let wait = (1 - bucket.tokens) / rate
            return RuleFinding(rule: "rate-limit",
                reason: String(format: "tool %@ is limited to %g calls/s; retry in %.2f s", tool, rate, wait))
        }
        bucket.tokens -= 1
        return nil
    }
}
