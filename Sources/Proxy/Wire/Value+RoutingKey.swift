import MCP

extension Value {
    /// Request ids and progress tokens are strings or integers; one key space for both.
    var routingKey: String {
        switch self {
        case .string(let text): return "s:" + text
        case .int(let number): return "i:\(number)"
        default: return "?:\(self)"
        }
    }
}
