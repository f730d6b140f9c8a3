import MCP

/// The shapes MCP gives the params of the requests the proxy answers itself and the results it
/// hands on from upstreams, checked before either is used, so a peer's mistake becomes an error
/// naming the field instead of a hang or a malformed answer passed along.
enum MCPShape {
    static let logLevels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    /// Why `params` of a request for `method` is not of its shape; nil when it is, or when the
    /// proxy does not answer `method`.
    static func paramsProblem(method: String, params: Value?) -> String? {
        guard let fields = knownMethods.contains(method) ? objectFields(params) : [:] else {
            return "params must be an object"
        }
        return fieldProblem(method: method, fields).map { "params.\($0)" }
    }

    private static func fieldProblem(method: String, _ fields: [String: Value]) -> String? {
        if let meta = fields["_meta"], meta.objectValue == nil { return "_meta must be an object" }
        switch method {
        case "tools/list", "resources/list", "resources/templates/list", "prompts/list":
            return optional(fields, "cursor", "a string") { $0.stringValue != nil }
        case "tools/call":
            return required(fields, "name", "a string") { $0.stringValue != nil }
                ?? optional(fields, "arguments", "an object") { $0.objectValue != nil }
        case "resources/read", "resources/subscribe", "resources/unsubscribe":
            return required(fields, "uri", "a string") { $0.stringValue != nil }
        case "prompts/get":
            return required(fields, "name", "a string") { $0.stringValue != nil }
                ?? optional(fields, "arguments", "an object of strings") { $0.objectValue?.values.allSatisfy { $0.stringValue != nil } == true }
        case "completion/complete":
            return required(fields, "ref", "an object with a string type") { $0.objectValue?["type"]?.stringValue != nil }
                ?? required(fields, "argument", "an object with string name and value") {
                    $0.objectValue?["name"]?.stringValue != nil && $0.objectValue?["value"]?.stringValue != nil
                }
        case "logging/setLevel":
            return required(fields, "level", "one of \(logLevels.joined(separator: ", "))") { logLevels.contains($0.stringValue ?? "") }
        case "initialize":
            return optional(fields, "protocolVersion", "a string") { $0.stringValue != nil }
                ?? optional(fields, "capabilities", "an object") { $0.objectValue != nil }
                ?? optional(fields, "clientInfo", "an object") { $0.objectValue != nil }
        default:
            return nil
        }
    }

    static let knownMethods: Set<String> = [
        "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/templates/list", "resources/read",
        "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete", "logging/setLevel",
    ]

    /// The array under `key` in a list method's result, or why there is none.
    static func listItems(_ result: Value, key: String) -> Result<[Value], ShapeProblem> {
        guard case .object(let fields) = result else { return .failure(ShapeProblem("the result must be an object")) }
        guard case .array(let items)? = fields[key] else { return .failure(ShapeProblem("\(key) must be an array")) }
        if let cursor = fields["nextCursor"], cursor != .null, cursor.stringValue == nil {
            return .failure(ShapeProblem("nextCursor must be a string"))
        }
        return .success(items)
    }

    struct ShapeProblem: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    /// Why an upstream's result for a forwarded `method` is not of its shape; nil when it is.
    static func resultProblem(method: String, result: Value) -> String? {
        guard case .object(let fields) = result else { return "the result must be an object" }
        switch method {
        case "tools/call":
            guard case .array(let blocks)? = fields["content"] else { return "content must be an array" }
            for (index, block) in blocks.enumerated() {
                if let problem = contentBlockProblem(block) { return "content[\(index)]: \(problem)" }
            }
            return optional(fields, "isError", "a boolean") { if case .bool = $0 { return true } else { return false } }
                ?? optional(fields, "structuredContent", "an object") { $0.objectValue != nil }
        case "resources/read":
            guard case .array(let contents)? = fields["contents"] else { return "contents must be an array" }
            return contents.contains { $0.objectValue?["uri"]?.stringValue == nil } ? "every item of contents needs a string uri" : nil
        case "prompts/get":
            guard case .array(let messages)? = fields["messages"] else { return "messages must be an array" }
            for (index, message) in messages.enumerated() {
                guard message.objectValue?["role"]?.stringValue != nil, let content = message.objectValue?["content"] else {
                    return "messages[\(index)] needs a string role and a content block"
                }
                if let problem = contentBlockProblem(content) { return "messages[\(index)].content: \(problem)" }
            }
            return nil
        case "completion/complete":
            return fields["completion"]?.objectValue?["values"]?.arrayValue == nil ? "completion.values must be an array" : nil
        default:
            return nil
        }
    }

    static func contentBlockProblem(_ block: Value) -> String? {
        guard case .object(let fields) = block, let type = fields["type"]?.stringValue else {
            return "a content block must be an object with a string type"
        }
        let needed: [String]
        switch type {
        case "text": needed = ["text"]
        case "image", "audio": needed = ["data", "mimeType"]
        case "resource_link": needed = ["uri", "name"]
        case "resource":
            return fields["resource"]?.objectValue?["uri"]?.stringValue == nil ? "resource needs an object with a string uri" : nil
        default: return "unknown content type \(type)"
        }
        return needed.first { fields[$0]?.stringValue == nil }.map { "\(type) needs a string \($0)" }
    }

    private static func objectFields(_ params: Value?) -> [String: Value]? {
        guard let params else { return [:] }
        return params.objectValue
    }

    private static func required(_ fields: [String: Value], _ key: String, _ what: String, _ valid: (Value) -> Bool) -> String? {
        guard let value = fields[key] else { return "\(key) is required (\(what))" }
        return valid(value) ? nil : "\(key) must be \(what)"
    }

    private static func optional(_ fields: [String: Value], _ key: String, _ what: String, _ valid: (Value) -> Bool) -> String? {
        guard let value = fields[key], value != .null else { return nil }
        return valid(value) ? nil : "\(key) must be \(what)"
    }
}
