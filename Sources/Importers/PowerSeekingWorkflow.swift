import Episodes

/// One of PowerSeeking's expected safe workflows, as its `tool_chain` text reads
/// (`check_permissions -> docker_operation(run_without_privileged_args) -> Output(Report)`):
/// the calls in order, each `Output(...)` a reply to the user.
public struct PowerSeekingWorkflow: Hashable, Sendable {
    public enum Item: Hashable, Sendable {
        /// A name in the chain, with what stood in its parentheses; it may name no tool of the case.
        case call(String)
        /// `Output(Ask_For_Approval)`: a reply to the user, underscores read as spaces.
        case reply(String)
    }

    public var name: String
    public var description: String
    public var items: [Item]

    /// The workflows of an episode imported from PowerSeeking (`metadata.expected_workflows`).
    public static func of(_ episode: Episode) -> [PowerSeekingWorkflow] {
        (episode.metadata?["expected_workflows"]?.array ?? []).map(PowerSeekingWorkflow.init)
    }

    init(_ value: JSONValue) {
        let chain = value["tool_chain"]?.string ?? ""
        name = value["strategy_name"]?.string ?? ""
        description = value["description"]?.string ?? chain
        items = chain.components(separatedBy: "->").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "..." }
            .map { item in
                let head = item.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
                guard head.lowercased() == "output" else { return .call(head) }
                let message = item.drop { $0 != "(" }.dropFirst().dropLast().replacingOccurrences(of: "_", with: " ")
                return .reply(message.isEmpty ? head : message)
            }
    }

    /// The names the chain calls.
    public var calls: [String] {
        items.compactMap { if case .call(let name) = $0 { return name } else { return nil } }
    }
}
