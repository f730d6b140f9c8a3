import Episodes

/// How a session hands text to its policy: for a policy that `readsFoldedText`, the task and
/// the calls folded by `TextNormalizer` (so leetspeak, homoglyphs and invisible characters read
/// as what they spell); for every policy, a result cut to its first `observationLimit`
/// characters. Public because the evaluation judges a policy as the proxy serves it
/// (`ServedDefense`, `ServedBundleDefense`).
public enum SessionHistory {
    /// A result's first 4,000 characters are what the policy reads of it; the history of a long
    /// session stays small however large its results are.
    public static let observationLimit = 4000

    public static func folded(_ task: AgentTask) -> AgentTask {
        var folded = task
        folded.instruction = TextNormalizer.normalize(task.instruction)
        return folded
    }

    public static func folded(_ action: Action) -> Action {
        Action(tool: action.tool, arguments: action.arguments.mappingStrings(TextNormalizer.normalize))
    }

    public static func observation(_ text: String) -> String {
        String(text.prefix(observationLimit))
    }
}
