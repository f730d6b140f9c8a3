import Episodes

/// Many emulated environments stepped together in one process, so a policy can decide for all
/// of them in one batch. Each keeps its own seed: trajectories do not depend on batching.
public struct VectorEnvironment {
    public private(set) var environments: [EmulatedEnvironment]

    public init(suite: CompiledSuite, count: Int) {
        environments = Array(repeating: EmulatedEnvironment(suite: suite), count: count)
    }

    public var count: Int { environments.count }

    /// Resets environment i with `seeds[i]` on task `taskIndices[i]` (drawn with the seed when nil).
    public mutating func reset(seeds: [UInt64], taskIndices: [Int]? = nil) -> [EnvironmentObservation] {
        precondition(seeds.count == environments.count, "one seed per environment")
        return environments.indices.map { i in
            environments[i].reset(seed: seeds[i], taskIndex: taskIndices?[i])
        }
    }

    /// Steps every environment still running with its decision; finished ones give nil.
    public mutating func step(_ decisions: [Decision]) -> [StepResult?] {
        precondition(decisions.count == environments.count, "one decision per environment")
        return environments.indices.map { i in
            environments[i].done ? nil : environments[i].step(decisions[i])
        }
    }

    public var allDone: Bool { environments.allSatisfy(\.done) }
}
