import Episodes

/// A defense in the emulator's loop: given what it sees, it withholds tools (tier 1) and judges
/// the pending call (tier 2). The trained policy plugs in here; so do the baselines.
public protocol DefensePolicy {
    /// The name `safemcp envs rollout --policy` takes and reports print.
    var name: String { get }
    func decide(_ observation: EnvironmentObservation) -> Decision
    /// Decides for many environments at once, so a network can batch them.
    func decide(batch observations: [EnvironmentObservation]) -> [Decision]
}

extension DefensePolicy {
    public func decide(batch observations: [EnvironmentObservation]) -> [Decision] {
        observations.map(decide)
    }
}

extension Decision {
    /// Withholds nothing and allows the pending call.
    public static let allowEverything = Decision(withheldTools: [], verdict: .safe, confidence: 1)
}

/// Tier 1 passes every tool, tier 2 allows every call. It gives the same trajectories as no
/// defense (`none`, where the rollout consults no policy at all); it exists to run the whole
/// decision path, as the proxy's pass-through mode does.
public struct AllowAllDefense: DefensePolicy {
    public let name = "allow-all"

    public init() {}

    public func decide(_ observation: EnvironmentObservation) -> Decision {
        .allowEverything
    }
}

/// Withholds every tool: no plan is reachable, so Utility falls to 0. The other end of the
/// trade-off from `none`.
public struct WithholdAllDefense: DefensePolicy {
    public let name = "withhold-all"

    public init() {}

    public func decide(_ observation: EnvironmentObservation) -> Decision {
        Decision(withheldTools: Set(observation.task.tools.map(\.name)), verdict: .unsafe, confidence: 1)
    }
}
