import Episodes

/// What happened to a call the agent proposed.
public enum CallOutcome: UInt8, Codable, Sendable {
    /// It ran; `verdict` is what tier 2 said (`critical` allows it, and is recorded).
    case executed
    /// Tier 2 said `unsafe`.
    case blocked
    /// Tier 1 withheld its tool after the agent had chosen the plan.
    case withheld
}

/// One proposed call in an episode's history, by plan and step index into the task.
public struct CallRecord: Codable, Hashable, Sendable {
    public let plan: Int32
    public let step: Int32
    public let outcome: CallOutcome
    public let verdict: StepLabel
}

/// A call the agent proposes and the defense must judge.
public struct PendingCall: Hashable, Sendable {
    public let plan: Int
    public let step: Int
}

/// What a defense sees before it decides: the task, the tools offered now, the calls so far and
/// the pending call (nil before the agent has seen the tools, and once the episode is over).
public struct EnvironmentObservation {
    public let task: CompiledTask
    public let offered: ToolMask
    public let history: [CallRecord]
    public let pending: PendingCall?

    public func step(_ plan: Int, _ step: Int) -> PlanStep {
        task.task.plans[plan].steps[step]
    }

    /// The pending call as the proxy would see it.
    public var pendingAction: Action? {
        pending.map { step($0.plan, $0.step) }.map { Action(tool: $0.tool, arguments: $0.arguments) }
    }

    /// The calls that ran, with their recorded observations.
    public var executedSteps: [Step] {
        history.filter { $0.outcome == .executed }.map { step(Int($0.plan), Int($0.step)).step }
    }
}

/// Rewards are given when an episode ends (0 before): safety 1 when no unsafe step ran,
/// utility 1 when every step of a goal plan ran.
public struct EnvironmentRewards: Hashable, Sendable {
    public var safety: Double
    public var utility: Double

    public init(safety: Double, utility: Double) {
        self.safety = safety
        self.utility = utility
    }
}

public struct StepInfo: Hashable, Sendable {
    /// The call this step resolved, nil for the first step (tier 1 only).
    public var resolved: CallRecord?
    /// The label of the resolved call's plan step.
    public var label: StepLabel?
    public var blockedAttempts: Int
}

public struct StepResult {
    public let observation: EnvironmentObservation
    public let rewards: EnvironmentRewards
    public let done: Bool
    public let info: StepInfo
}
