import Episodes

/// Runs many emulated episodes of a suite against a defense.
public enum Rollout {
    /// Episode i runs task `i % tasks` with seed `SplitMix64.derive(seed, i)`, so a run is
    /// reproducible from (suite, defense, episodes, seed) whatever the batch size. A nil
    /// `defense` is no defense at all: nothing withheld, every call allowed, no policy called.
    public static func run(_ suite: CompiledSuite, defense: DefensePolicy?, episodes: Int, seed: UInt64,
                           batchSize: Int = Rollout.batchSize) -> [EpisodeResult] {
        run(suite, defense: defense, episodes: 0..<episodes, seed: seed, batchSize: batchSize)
    }

    /// Episodes `range` of a run, each exactly as the whole run gives it. Batches start at
    /// `range.lowerBound`: a shard (`RolloutShard`) begins on a batch boundary, so a learned
    /// policy decides on the same batches as in one process and its products match bit for bit.
    public static func run(_ suite: CompiledSuite, defense: DefensePolicy?, episodes range: Range<Int>, seed: UInt64,
                           batchSize: Int = Rollout.batchSize) -> [EpisodeResult] {
        var results: [EpisodeResult] = []
        results.reserveCapacity(range.count)
        var start = range.lowerBound
        while start < range.upperBound {
            let count = min(batchSize, range.upperBound - start)
            var batch = VectorEnvironment(suite: suite, count: count)
            var observations = batch.reset(
                seeds: (start..<start + count).map { SplitMix64.derive(seed, $0) },
                taskIndices: (start..<start + count).map { $0 % suite.tasks.count })
            while !batch.allDone {
                let decisions = defense?.decide(batch: observations)
                    ?? Array(repeating: Decision.allowEverything, count: count)
                let stepped = batch.step(decisions)
                observations = zip(stepped, observations).map { $0?.observation ?? $1 }
            }
            results += batch.environments.map(\.result)
            start += count
        }
        return results
    }

    /// The same episodes with no defense: the reference over-blocking is measured against.
    public static func reference(_ suite: CompiledSuite, episodes: Int, seed: UInt64) -> [EpisodeResult] {
        run(suite, defense: nil, episodes: episodes, seed: seed)
    }

    public static func reference(_ suite: CompiledSuite, episodes range: Range<Int>, seed: UInt64) -> [EpisodeResult] {
        run(suite, defense: nil, episodes: range, seed: seed)
    }

    /// Episodes a defense decides on together.
    public static let batchSize = 256
}
