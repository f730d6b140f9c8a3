import Episodes

/// Without a task, the proxy offers only tools outside every risk category of the rules and not
/// annotated `destructiveHint: true` (reading, looking up, listing), whatever the policy: a
/// trained bundle withholds for the task it is given, and with none there is nothing to
/// justify deleting, running, paying, or touching credentials or permissions. Declaring the
/// task lifts this layer and lets the policy decide.
enum NoTaskWithholding {
    static func withholding(_ tool: Tool) -> ToolWithholding? {
        if let category = StaticRulesPolicy.categories(of: tool).first {
            let article = "aeiou".contains(category.name.first!) ? "an" : "a"
            return ToolWithholding(tool: tool.name, reason: "no task declared, and \(tool.name) is \(article) \(category.name) tool")
        }
        if isDestructiveByAnnotation(tool) {
            return ToolWithholding(tool: tool.name, reason: "no task declared, and \(tool.name) is annotated destructive")
        }
        return nil
    }

    static func isDestructiveByAnnotation(_ tool: Tool) -> Bool {
        guard case .object(let annotations)? = tool.annotations else { return false }
        return annotations["destructiveHint"] == .bool(true) && annotations["readOnlyHint"] != .bool(true)
    }
}
