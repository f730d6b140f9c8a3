import Foundation
import Episodes

/// Structured values written inside text: JSON, JSON encoded twice (a JSON string holding
/// JSON), a Python literal, or any of these inside a Markdown code fence.
enum EmbeddedJSON {
    static func decodeJSON(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The structured value the text holds, unwrapping every layer of encoding; `nil` for prose.
    static func decode(_ text: String) -> JSONValue? {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("```") {
            body = String(body.drop { $0 != "\n" }.dropFirst())
            if body.hasSuffix("```") { body = String(body.dropLast(3)) }
            body = body.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let first = body.unicodeScalars.first else { return nil }
        let value: JSONValue?
        if "{[\"".unicodeScalars.contains(first) {
            value = decodeJSON(body) ?? PythonLiteral.parse(body)
        } else if first == "'" || first == "(" || body == "None" {
            value = PythonLiteral.parse(body)
        } else {
            value = nil
        }
        if case .string(let inner)? = value, let unwrapped = decode(inner), unwrapped.isStructured {
            return unwrapped
        }
        return value
    }

    /// Tool-call arguments as the source wrote them, decoded when they are encoded text.
    static func arguments(_ value: JSONValue?) -> JSONValue {
        guard let value else { return .null }
        if case .string(let text) = value, let decoded = decode(text), decoded.isStructured || decoded.isNull {
            return decoded
        }
        return value
    }

    /// An observation as text: structured values (however encoded) become canonical JSON, so
    /// the same observation always reads the same; prose stays as written.
    static func observationText(_ value: JSONValue?) -> String? {
        guard let value, !value.isNull else { return nil }
        if case .string(let text) = value {
            if let decoded = decode(text), decoded.isStructured { return decoded.canonicalText }
            return text
        }
        return value.canonicalText
    }
}

extension JSONValue {
    var isStructured: Bool {
        switch self {
        case .object, .array: return true
        default: return false
        }
    }
}
