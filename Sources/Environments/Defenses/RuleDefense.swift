import DenyLists
import Episodes

/// The static-rules baseline in the emulator's loop: `DenyList` applied to each task's tools
/// (tier 1) and each pending call (tier 2).
public final class RuleDefense: DefensePolicy {
    public let name = "rules"

    /// Deny lists by task. The entry keeps its task alive: once a task is released, another
    /// task could be allocated at the same address and would find the old list.
    private var deniedByTask: [ObjectIdentifier: (task: CompiledTask, denied: Set<String>)] = [:]

    public init() {}

    public func decide(_ observation: EnvironmentObservation) -> Decision {
        let task = observation.task
        let denied: Set<String>
        if let cached = deniedByTask[ObjectIdentifier(task)] {
            denied = cached.denied
        } else {
            denied = Set(task.tools.filter(DenyList.isDenied).map(\.name))
            deniedByTask[ObjectIdentifier(task)] = (task, denied)
        }
        var verdict = StepLabel.safe
        if let pending = observation.pending {
            let step = observation.step(pending.plan, pending.step)
            verdict = DenyList.verdict(tool: step.tool, arguments: step.arguments, denied: denied)
        }
        return Decision(withheldTools: denied, verdict: verdict, confidence: 1)
    }
}
