import Environments
import Episodes
import PolicyRuntime

/// A bundle's policy in the emulator's loop: at every decision it withholds tools (tier 1) and
/// judges the pending call (tier 2), seeing what the proxy would see — the task, the calls that
/// ran with their observations, the pending call and the task's tools.
public final class LearnedDefense: DefensePolicy {
    public let name: String
    public let runtime: PolicyRuntime

    public init(runtime: PolicyRuntime, name: String) {
        self.runtime = runtime
        self.name = name
    }

    public func decide(_ observation: EnvironmentObservation) -> Decision {
        decide(batch: [observation])[0]
    }

    public func decide(batch observations: [EnvironmentObservation]) -> [Decision] {
        // The emulator has no way to report a failure mid-episode; every text is embedded by an
        // encoder already loaded, so a failure here is a broken invariant, not bad input.
        let outputs = try! runtime.decide(observations.map(PolicyInput.init(observation:)))
        return outputs.map { Decision(withheldTools: $0.withheld, verdict: $0.verdict, confidence: $0.confidence) }
    }
}

extension PolicyInput {
    /// The emulator's state as the policy's input: the tools are all of the task's, since the
    /// policy's withheld set replaces the previous one at every decision.
    public init(observation: EnvironmentObservation) {
        let task = observation.task
        self.init(task: AgentTask(instruction: task.task.instruction, persona: task.task.persona.description),
                  history: observation.executedSteps, pending: observation.pendingAction, tools: task.tools)
    }
}
