import Episodes

/// Runs many emulated episodes of a suite against a defense.
public enum Rollout {
    /// Episode i runs task `i % tasks` with seed `SplitMix64.derive(seed, i)`, so a run is
    /// reproducible from (suite, defense, episodes, seed) whatever the batch size. A nil
    /// `defense` is no defense at all: nothing withheld, every call allowed, no policy called.
    public static func run(_ suite: CompiledSuite, defense: DefensePolicy?, episodes: Int, seed: UInt64,
                           batchSize: Int = 256) -> [EpisodeResult] {
        var results: [EpisodeResult] = []
        results.reserveCapacity(episodes)
        var start = 0
        while start < episodes {
            let count = min(batchSize, episodes - start)
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
}
