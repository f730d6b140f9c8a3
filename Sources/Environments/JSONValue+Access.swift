import Episodes
import Foundation

/// Kind checks for validating suite files, and arguments recorded as JSON text; the plain
/// accessors are in Episodes.
extension JSONValue {
    var isString: Bool { if case .string = self { true } else { false } }
    var isArray: Bool { if case .array = self { true } else { false } }
    var isBool: Bool { if case .bool = self { true } else { false } }
    var isObject: Bool { if case .object = self { true } else { false } }

    /// Arguments recorded as a JSON string are parsed; anything else is kept.
    var parsedIfJSONText: JSONValue {
        guard case .string(let text) = self, let data = text.data(using: .utf8),
              let parsed = try? JSONDecoder().decode(JSONValue.self, from: data) else { return self }
        return parsed
    }
}
