import Episodes

/// Arguments for a call the source names without recording them (AgentHarm's target functions,
/// PowerSeeking's expected workflows): each required key gets the first enum value or an empty
/// value of its type, so the call satisfies `schema`.
public enum PlaceholderArguments {
    public static func satisfying(_ schema: JSONValue) -> JSONValue {
        guard case .object(let keywords) = schema else { return .object([:]) }
        var arguments: [String: JSONValue] = [:]
        if case .array(let required)? = keywords["required"] {
            for case .string(let key) in required {
                arguments[key] = placeholder(keywords["properties"]?[key] ?? .object([:]), key: key)
            }
        }
        return .object(arguments)
    }

    private static func placeholder(_ schema: JSONValue, key: String) -> JSONValue {
        if case .array(let allowed)? = schema["enum"], let first = allowed.first { return first }
        var type = schema["type"]
        if case .array(let types)? = type { type = types.first }
        switch type?.string {
        case "integer", "number": return .number(0)
        case "boolean": return .bool(false)
        case "array": return .array([])
        case "object": return satisfying(schema)
        case "null": return .null
        default: return .string("<\(key)>")
        }
    }
}
