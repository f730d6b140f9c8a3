import DenyLists
import Environments
import Episodes
import Proxy

/// One row of an evaluation: a defense as the emulator runs it in episodes, and as it judges
/// labelled steps.
public struct EvaluatedDefense {
    public var name: String
    /// Whether it withholds tools (tier 1); without, the withheld-set columns are null.
    public var withholdsTools: Bool
    /// A fresh defense for one suite's episodes; nil is no defense in the loop at all.
    public var episodeDefense: () throws -> DefensePolicy?
    /// Judgements of the states, in order.
    public var judge: ([LabelledState]) throws -> [StepJudgement]

    public init(name: String, withholdsTools: Bool, episodeDefense: @escaping () throws -> DefensePolicy?,
                judge: @escaping ([LabelledState]) throws -> [StepJudgement]) {
        self.name = name
        self.withholdsTools = withholdsTools
        self.episodeDefense = episodeDefense
        self.judge = judge
    }

    /// Nothing withheld, every call allowed: the reference over-blocking is measured against.
    public static var noDefense: EvaluatedDefense {
        EvaluatedDefense(name: "no defense", withholdsTools: false, episodeDefense: { nil }) { states in
            states.map { _ in StepJudgement(verdict: .safe, withheld: []) }
        }
    }

    /// The blunt deny list (`DenyList`: tool names and argument phrases, no task words; in
    /// episodes through `RuleDefense`): not a policy the proxy serves, but the reference issue
    /// #15 measures transfer against, and the rules whose findings `features.rules` gives the
    /// policy.
    public static var denyList: EvaluatedDefense {
        EvaluatedDefense(name: "deny list", withholdsTools: true, episodeDefense: { RuleDefense() }) { states in
            states.map { state in
                let decision = DenyList.decide(tools: state.tools, pending: state.pending)
                return StepJudgement(verdict: decision.verdict, withheld: decision.withheldTools)
            }
        }
    }

    /// `safemcp proxy --policy rules` as the proxy serves it (`ServedDefense` over
    /// `StaticRulesPolicy`): the baseline every table compares against is the one that ships.
    public static var staticRules: EvaluatedDefense {
        EvaluatedDefense(name: "static rules", withholdsTools: true, episodeDefense: {
            ServedDefense(policy: StaticRulesPolicy(), name: "rules")
        }) { states in
            let served = ServedDefense(policy: StaticRulesPolicy(), name: "rules")
            return states.map(served.judge)
        }
    }
}
