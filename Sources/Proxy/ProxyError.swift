/// Errors that stop the proxy before or while it serves; each names what was wrong.
public enum ProxyError: Error, CustomStringConvertible {
    case configuration(String)
    case policyUnavailable(String)
    case upstream(name: String, message: String)

    public var description: String {
        switch self {
        case .configuration(let message): return message
        case .policyUnavailable(let message): return message
        case .upstream(let name, let message): return "upstream \(name): \(message)"
        }
    }
}
