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
            batch.reset(seeds: (start..<start + count).map { SplitMix64.derive(seed, $0) },
                        taskIndices: (start..<start + count).map { $0 % suite.tasks.count })
            // The defense decides on the whole batch, finished episodes' last observations
            // included, so its batches are the same whichever episodes end first.
            results += batch.run { observations, running in
                guard let defense else { return running.map { _ in Decision.allowEverything } }
                let decisions = defense.decide(batch: observations)
                return running.map { decisions[$0] }
            }.map(\.result)
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
