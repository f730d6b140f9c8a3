import Episodes
import MCP

extension JSONValue {
    /// The wire value as the step schema keeps it (integers become numbers, binary data its
    /// data URL), for the policy and the audit log.
    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .number(Double(number))
        case .double(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .data(let mimeType, let data): self = .string(data.dataURLEncoded(mimeType: mimeType))
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .object(let members): self = .object(members.mapValues(JSONValue.init))
        }
    }

    /// Every string inside, depth first: what the scanners and the policy read.
    var allStrings: [String] {
        switch self {
        case .string(let text): return [text]
        case .array(let items): return items.flatMap(\.allStrings)
        case .object(let members): return members.keys.sorted().flatMap { [$0] + members[$0]!.allStrings }
        default: return []
        }
    }
}
