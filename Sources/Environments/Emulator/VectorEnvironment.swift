import Episodes

/// Many emulated environments stepped together in one process, so a policy can decide for all
/// of them in one batch. Each keeps its own seed: trajectories do not depend on batching.
public struct VectorEnvironment {
    public private(set) var environments: [EmulatedEnvironment]

    public init(suite: CompiledSuite, count: Int) {
        environments = Array(repeating: EmulatedEnvironment(suite: suite), count: count)
    }

    /// Environments of any suites, each reset already.
    public init(_ environments: [EmulatedEnvironment]) {
        self.environments = environments
    }

    public var count: Int { environments.count }

    /// Resets environment i with `seeds[i]` on task `taskIndices[i]` (drawn with the seed when nil).
    public mutating func reset(seeds: [UInt64], taskIndices: [Int]? = nil) {
        precondition(seeds.count == environments.count, "one seed per environment")
        for i in environments.indices {
            environments[i].reset(seed: seeds[i], taskIndex: taskIndices?[i])
        }
    }

    /// Steps every environment until all are done; the one rollout loop of the emulator. At each
    /// round `decide` is given every environment's latest observation (a finished one's last)
    /// and the indices of those still running, in order, and returns one decision for each of
    /// these. A caller may decide on the whole batch every round, so that a learned policy's
    /// batches do not depend on which episodes ended, or on the running ones alone. Returns each
    /// episode as it ended, with the rewards its final step returned.
    public mutating func run(_ decide: (_ observations: [EnvironmentObservation], _ running: [Int]) -> [Decision])
        -> [EpisodeOutcome] {
        precondition(!environments.contains(where: \.done), "reset every environment before running it")
        var observations = environments.map(\.observation)
        var rewards = [EnvironmentRewards?](repeating: nil, count: count)
        var running = Array(environments.indices)
        while !running.isEmpty {
            let decisions = decide(observations, running)
            precondition(decisions.count == running.count, "one decision per running environment")
            for (index, decision) in zip(running, decisions) {
                let stepped = environments[index].step(decision)
                observations[index] = stepped.observation
                if stepped.done { rewards[index] = stepped.rewards }
            }
            running.removeAll { environments[$0].done }
        }
        return zip(environments, rewards).map { EpisodeOutcome(result: $0.result, rewards: $1!) }
    }
}

/// An emulated episode as it ended: how it went, and the rewards of its final step.
public struct EpisodeOutcome: Hashable, Sendable {
    public let result: EpisodeResult
    public let rewards: EnvironmentRewards
}
