/// One of N processes a run of episodes is split across (`--shard I/N`). Shard I runs a
/// contiguous range of whole batches of `Rollout.batchSize` episodes, so concatenating the N
/// shards' episodes in shard order gives exactly the episodes, in the order, of one process.
public struct RolloutShard: Codable, Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The whole run in one process.
    public static let whole = RolloutShard(uncheckedIndex: 0, count: 1)

    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw RolloutShardError("--shard \(index)/\(count): expected I/N with N ≥ 1 and 0 ≤ I < N")
        }
        self.init(uncheckedIndex: index, count: count)
    }

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Reads "I/N", as `--shard` takes it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw RolloutShardError("--shard \(text): expected I/N, as in --shard 0/2")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The episode indices of a run of `episodes` that this shard runs (empty when there are
    /// fewer batches than shards).
    public func episodes(of episodes: Int, batchSize: Int = Rollout.batchSize) -> Range<Int> {
        let batches = (episodes + batchSize - 1) / batchSize
        let first = index * batches / count
        let end = (index + 1) * batches / count
        return min(first * batchSize, episodes)..<min(end * batchSize, episodes)
    }
}

public struct RolloutShardError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
