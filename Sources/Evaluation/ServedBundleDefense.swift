import EmulatorPolicy
import Environments
import Episodes
import PolicyRuntime
import Proxy

/// A bundle's policy as `safemcp proxy --policy B.h5` serves it, so its rows measure what a user
/// runs: the safety floor refuses what it refuses whatever the policy says, a call to a tool the
/// policy withholds is refused, and the policy reads what `BundlePolicy` gives it — the texts as
/// written (as training read them), the calls that ran, and for a pending call one state with
/// the call and every offered tool, both tiers decided from it.
public final class ServedBundleDefense: DefensePolicy {
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
        // Every text is embedded by an encoder already loaded; the emulator cannot report a
        // failure mid-episode, so one here is a broken invariant, not bad input.
        try! decide(observations.map(PolicyInput.init(observation:)))
    }

    /// Judges labelled states the same way.
    public func judge(_ states: [LabelledState]) throws -> [StepJudgement] {
        try decide(states.map { PolicyInput(task: $0.task, history: $0.history, pending: $0.pending, tools: $0.tools) })
            .map { StepJudgement(verdict: $0.verdict, withheld: $0.withheldTools) }
    }

    private func decide(_ inputs: [PolicyInput]) throws -> [Decision] {
        let served = inputs.map { input in
            var served = input
            served.history = BundlePolicy.retained(input.history, window: runtime.bundle.features.historyWindow)
            return served
        }
        return zip(served, try runtime.decide(served)).map { input, output in
            guard let pending = input.pending else {
                return Decision(withheldTools: output.withheld, verdict: .safe, confidence: 1)
            }
            let tool = input.tools.first { $0.name == pending.tool } ?? Tool(name: pending.tool, description: "")
            if ServedDefense.floor(tool, pending) != nil || output.withheld.contains(pending.tool) {
                return Decision(withheldTools: output.withheld, verdict: .unsafe, confidence: 1)
            }
            return Decision(withheldTools: output.withheld, verdict: output.verdict, confidence: output.confidence)
        }
    }
}
