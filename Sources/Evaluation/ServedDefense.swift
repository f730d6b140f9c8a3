import Environments
import Episodes
import Proxy

/// A proxy policy judged as `safemcp proxy` serves it, so a row of the tables is what a user
/// runs: the safety floor (`FloorRule`: the arguments as written and folded) refuses first,
/// whatever the policy would say; then the policy sees what the proxy's session gives it — the
/// task and calls folded by `TextNormalizer` or as written (`readsFoldedText`), every earlier
/// call labelled with the verdict the proxy gave it, a blocked call pending with no observation
/// (and the floor's technique when the floor refused it), a call to a tool the policy withholds
/// refused.
///
/// What the proxy adds beyond this — description scans, access lists, schema checks, result
/// scans — reads upstream definitions and results the emulated suites do not carry, so it is
/// left out here.
public struct ServedDefense: DefensePolicy {
    public let name: String
    public let policy: ProxyPolicy

    public init(policy: ProxyPolicy, name: String) {
        self.policy = policy
        self.name = name
    }

    public func decide(_ observation: EnvironmentObservation) -> Decision {
        let compiled = observation.task
        let history = observation.history.compactMap { record -> Step? in
            let step = observation.step(Int(record.plan), Int(record.step)).step
            let tool = Tool.named(step.action.tool, in: compiled.tools)
            switch record.outcome {
            case .executed: return ran(step, verdict: record.verdict)
            case .blocked, .withheld: return refused(step.action, tool: tool)
            }
        }
        let pending = observation.pendingAction.map { action in
            (action, Tool.named(action.tool, in: compiled.tools))
        }
        let task = AgentTask(instruction: compiled.task.instruction, persona: compiled.task.persona.description)
        return decide(task: task, history: history, pending: pending, tools: compiled.tools)
    }

    /// The same layers on a labelled state: its earlier steps ran, each labelled with the verdict
    /// the proxy would have given it.
    public func judge(_ state: LabelledState) -> StepJudgement {
        let folded = read(state.task)
        var history: [Step] = []
        for step in state.history {
            let tool = Tool.named(step.action.tool, in: state.tools)
            let foldedAction = SessionHistory.folded(step.action)
            let verdict = Self.floor(tool, step.action, folded: foldedAction) == nil
                ? policy.judge(task: folded, history: policy.retainedHistory(history), pending: read(step.action, folded: foldedAction),
                               tool: tool).verdict
                : .unsafe
            history.append(ran(step, verdict: verdict))
        }
        let pending = state.pending.map { action in
            (action, Tool.named(action.tool, in: state.tools))
        }
        let decision = decide(task: state.task, history: history, pending: pending, tools: state.tools)
        return StepJudgement(verdict: decision.verdict, withheld: decision.withheldTools)
    }

    private func decide(task: AgentTask, history: [Step], pending: (action: Action, tool: Tool)?, tools: [Tool]) -> Decision {
        let folded = read(task)
        let retained = policy.retainedHistory(history)
        guard let pending else {
            let withheld = policy.withhold(task: folded, history: retained, available: tools)
            return Decision(withheldTools: Set(withheld.map(\.tool)), verdict: .safe, confidence: 1)
        }
        let foldedAction = SessionHistory.folded(pending.action)
        if Self.floor(pending.tool, pending.action, folded: foldedAction) != nil {
            let withheld = policy.withhold(task: folded, history: retained, available: tools)
            return Decision(withheldTools: Set(withheld.map(\.tool)), verdict: .unsafe, confidence: 1)
        }
        let decision = policy.decide(task: folded, history: retained, pending: read(pending.action, folded: foldedAction), tool: pending.tool,
                                     available: tools)
        let withheld = Set(decision.withheld.map(\.tool))
        if withheld.contains(pending.tool.name) {
            return Decision(withheldTools: withheld, verdict: .unsafe, confidence: 1)
        }
        return Decision(withheldTools: withheld, verdict: decision.verdict.verdict, confidence: decision.verdict.confidence)
    }

    /// The floor as the proxy runs it, on the call as written and `folded` (folded once per call,
    /// as the session folds it once for the floor, the policy and the history).
    static func floor(_ tool: Tool, _ action: Action, folded: Action) -> RuleFinding? {
        FloorRule.finding(tool: tool, written: action.arguments, folded: folded.arguments)
    }

    func read(_ task: AgentTask) -> AgentTask {
        policy.readsFoldedText ? SessionHistory.folded(task) : task
    }

    func read(_ action: Action) -> Action {
        policy.readsFoldedText ? SessionHistory.folded(action) : action
    }

    func read(_ action: Action, folded: Action) -> Action {
        policy.readsFoldedText ? folded : action
    }

    /// A call that ran, as the session keeps it.
    func ran(_ step: Step, verdict: StepLabel) -> Step {
        Step(action: read(step.action), observation: step.observation.map(SessionHistory.observation), label: verdict)
    }

    /// A call the proxy refused: it never ran.
    func refused(_ action: Action, tool: Tool) -> Step {
        let folded = SessionHistory.folded(action)
        return Step(action: read(action, folded: folded), label: .unsafe, riskType: Self.floor(tool, action, folded: folded)?.technique,
                    pending: true)
    }
}
