import Episodes

/// A tool in OpenAI's function-calling form: `{"type": "function", "function": {"name",
/// "description", "parameters"}}` (or the inner object alone).
public enum OpenAIFunction {
    public static func tool(_ value: JSONValue) throws -> Tool {
        let function = value["function"] ?? value
        guard let name = function["name"]?.string, !name.isEmpty else {
            throw RowError("bad_tool", "a tool has no name")
        }
        return Tool(name: name, description: function["description"]?.string ?? "",
                    inputSchema: function["parameters"] ?? .object([:]))
    }
}
