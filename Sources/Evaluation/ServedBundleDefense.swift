import EmulatorPolicy
import Environments
import Episodes
import PolicyRuntime
import Proxy

/// A bundle's policy as `safemcp proxy --policy B.h5` serves it, so its rows measure what a user
/// runs: the network decides as in training (`LearnedDefense`: the texts as written, the calls
/// that ran, one state with the pending call and every offered tool for both tiers, as
/// `BundlePolicy` asks it), then the proxy's layers apply — the safety floor refuses what it
/// refuses whatever the network says, a call to a tool the network withholds is refused, and a
/// state with no pending call is never refused (the proxy only withholds tools then).
public final class ServedBundleDefense: DefensePolicy {
    public let name: String
    private let network: LearnedDefense

    public init(runtime: PolicyRuntime, name: String) {
        network = LearnedDefense(runtime: runtime, name: name)
        self.name = name
    }

    public func decide(_ observation: EnvironmentObservation) -> Decision {
        decide(batch: [observation])[0]
    }

    public func decide(batch observations: [EnvironmentObservation]) -> [Decision] {
        zip(observations, network.decide(batch: observations)).map { observation, decision in
            Self.served(decision, pending: observation.pendingAction, tools: observation.task.tools)
        }
    }

    /// Judges labelled states the same way; the history is what the session keeps (the calls
    /// that ran).
    public func judge(_ states: [LabelledState]) throws -> [StepJudgement] {
        let window = network.runtime.bundle.features.historyWindow
        let outputs = try network.runtime.decide(states.map {
            PolicyInput(task: $0.task, history: BundlePolicy.retained($0.history, window: window), pending: $0.pending, tools: $0.tools)
        })
        return zip(states, outputs).map { state, output in
            let decision = Self.served(Decision(withheldTools: output.withheld, verdict: output.verdict, confidence: output.confidence),
                                       pending: state.pending, tools: state.tools)
            return StepJudgement(verdict: decision.verdict, withheld: decision.withheldTools)
        }
    }

    private static func served(_ decision: Decision, pending: Action?, tools: [Tool]) -> Decision {
        guard let pending else {
            return Decision(withheldTools: decision.withheldTools, verdict: .safe, confidence: 1)
        }
        let tool = Tool.named(pending.tool, in: tools)
        if ServedDefense.floor(tool, pending, folded: SessionHistory.folded(pending)) != nil || decision.withheldTools.contains(pending.tool) {
            return Decision(withheldTools: decision.withheldTools, verdict: .unsafe, confidence: 1)
        }
        return decision
    }
}
