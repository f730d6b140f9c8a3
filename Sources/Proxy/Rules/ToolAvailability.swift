import Episodes

/// A call may only go to a tool the agent is offered right now: a name no upstream offers, or
/// a tool tier 1 withholds, is refused whatever the policy would say (an agent that guesses or
/// remembers a tool name gains nothing).
public enum ToolAvailability {
    /// `known`: some upstream offers `tool`; `withholding`: why tier 1 withholds it now, if it does.
    public static func finding(tool: String, known: Bool, withholding: ToolWithholding?) -> RuleFinding? {
        guard known else {
            return RuleFinding(rule: "unknown-tool", reason: "no upstream offers a tool named \(tool); call tools/list for the tools you may use")
        }
        if let withholding {
            return RuleFinding(rule: "withheld-tool", reason: "tool \(tool) is withheld: \(withholding.reason)")
        }
        return nil
    }
}
