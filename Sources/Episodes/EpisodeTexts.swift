/// The text of each part of an episode, as it is stored and embedded. One definition, used by
/// the dataset writer and by whoever embeds a live state (the proxy), so both see equal texts.
public enum EpisodeTexts {
    public static func instruction(_ task: AgentTask) -> String {
        task.instruction
    }

    /// A tool as the policy sees it: name and description.
    public static func tool(_ tool: Tool) -> String {
        tool.description.isEmpty ? tool.name : "\(tool.name): \(tool.description)"
    }

    /// A call: tool name and canonical JSON arguments.
    public static func action(_ action: Action) -> String {
        "\(action.tool) \(action.arguments.canonicalText)"
    }
}
