import Episodes
import Foundation

/// Reading free-form JSON (YAML documents, public data files) without a pattern match at
/// every step.
extension JSONValue {
    var isString: Bool { if case .string = self { true } else { false } }
    var isArray: Bool { if case .array = self { true } else { false } }
    var isBool: Bool { if case .bool = self { true } else { false } }
    var isObject: Bool { if case .object = self { true } else { false } }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// Arguments recorded as a JSON string are parsed; anything else is kept.
    var parsedIfJSONText: JSONValue {
        guard case .string(let text) = self, let data = text.data(using: .utf8),
              let parsed = try? JSONDecoder().decode(JSONValue.self, from: data) else { return self }
        return parsed
    }
}
