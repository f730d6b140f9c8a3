import DenyLists
import Episodes
import SafetyFloor

/// What the static rules (`DenyList`) find in a state, as inputs the policy learns to weigh
/// instead of obeying: with them the policy starts from the rules' knowledge of dangerous names
/// and argument patterns, which carries over to tools training never saw, and learns from the
/// data when a denied tool is what the task asked for. Training (through `StateFeatures`) and
/// the runtime both read them here. The safety floor's finding is a separate bit under its own
/// flag (`floor`), so bundles without it still load.
public enum RuleFindings {
    /// Findings on the pending call: [its tool is denied by name or description, its arguments
    /// hold a dangerous pattern]; zeros without a pending call.
    public static let pendingWidth = 2
    /// Findings on one offered tool: [denied by name or description].
    public static let toolWidth = 1

    public static func pending(_ action: Action?, tools: [Tool]) -> [Float] {
        guard let action else { return [0, 0] }
        // A labelled step may call a tool its episode does not list: its name alone is judged.
        let offered = Tool.named(action.tool, in: tools)
        return [DenyList.isDenied(offered) ? 1 : 0, DenyList.argumentsAreDangerous(action.arguments) ? 1 : 0]
    }

    /// The floor's reading of the pending call: [the floor would refuse it, it deletes or changes
    /// the permissions of a path, every such path is in the working folder or /tmp]
    /// (`SafetyFloor.scope`). The deny list's argument bit fires on `rm -rf` wherever it points;
    /// the floor reads what the command does, so beside it the network can tell `rm -rf ./build`
    /// from `rm -rf ~` without learning that from the few such pairs the data holds.
    public static let floorWidth = 3

    public static func floor(_ action: Action?, tools: [Tool]) -> [Float] {
        guard let action else { return [0, 0, 0] }
        let tool = Tool.named(action.tool, in: tools)
        return [SafetyFloor.finding(tool: tool, arguments: action.arguments) == nil ? 0 : 1] + SafetyFloor.scope(tool: tool, arguments: action.arguments)
    }

    public static func tool(_ tool: Tool) -> [Float] {
        [DenyList.isDenied(tool) ? 1 : 0]
    }
}
