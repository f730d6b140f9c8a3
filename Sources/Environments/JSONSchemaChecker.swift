import Episodes

/// Checks a JSON value against the part of JSON Schema that tool input schemas use: `type`
/// (one name or a list), `properties`, `required`, `enum`, `items` and `additionalProperties`.
/// Other keywords (`description`, `default`, `format`, ...) are ignored, as a lenient MCP
/// server would.
public enum JSONSchemaChecker {
    /// One problem per entry, each with its path (`path` is the path of `value` itself, e.g.
    /// `tasks[0].plans[0].steps[1].arguments`).
    public static func violations(of value: JSONValue, against schema: JSONValue, at path: String) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        check(value, schema, path, &found)
        return found
    }

    /// Problems with the schema itself, for the keywords this checker reads.
    public static func schemaProblems(_ schema: JSONValue, at path: String) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        checkSchema(schema, path, &found)
        return found
    }

    static let typeNames: Set<String> = ["string", "number", "integer", "boolean", "object", "array", "null"]

    private static func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, _ found: inout [SchemaViolation]) {
        guard case .object(let keywords) = schema else { return }
        if let types = typeList(keywords["type"]), !types.contains(where: { matches(value, type: $0) }) {
            let expected = types.count == 1 ? types[0] : "one of " + types.joined(separator: ", ")
            found.append(SchemaViolation("\(path)", "expected \(expected), found \(describe(value))"))
            return
        }
        if case .array(let allowed)? = keywords["enum"], !allowed.contains(value) {
            let list = allowed.map(\.canonicalText).joined(separator: ", ")
            found.append(SchemaViolation("\(path)", "\(value.canonicalText) is not one of [\(list)]"))
        }
        switch value {
        case .object(let members):
            if case .array(let required)? = keywords["required"] {
                for case .string(let key) in required where members[key] == nil {
                    found.append(SchemaViolation("\(path)", "missing required key \"\(key)\""))
                }
            }
            var properties: [String: JSONValue] = [:]
            if case .object(let declared)? = keywords["properties"] { properties = declared }
            for key in members.keys.sorted() {
                let member = members[key]!
                if let propertySchema = properties[key] {
                    check(member, propertySchema, path + "." + key, &found)
                } else if case .bool(false)? = keywords["additionalProperties"] {
                    found.append(SchemaViolation("\(path)", "unexpected key \"\(key)\""))
                } else if let additional = keywords["additionalProperties"], case .object = additional {
                    check(member, additional, path + "." + key, &found)
                }
            }
        case .array(let elements):
            if let items = keywords["items"] {
                for (index, element) in elements.enumerated() {
                    check(element, items, "\(path)[\(index)]", &found)
                }
            }
        default:
            break
        }
    }

    private static func checkSchema(_ schema: JSONValue, _ path: String, _ found: inout [SchemaViolation]) {
        guard case .object(let keywords) = schema else {
            found.append(SchemaViolation("\(path)", "a schema must be a mapping, found \(describe(schema))"))
            return
        }
        if let type = keywords["type"] {
            if let types = typeList(type) {
                for name in types where !typeNames.contains(name) {
                    found.append(SchemaViolation("\(path).type", "unknown type \"\(name)\""))
                }
            } else {
                found.append(SchemaViolation("\(path).type", "expected a type name or a list of them"))
            }
        }
        if let required = keywords["required"], typeList(required) == nil || required.isString {
            found.append(SchemaViolation("\(path).required", "expected a list of key names"))
        }
        if let allowed = keywords["enum"], !allowed.isArray {
            found.append(SchemaViolation("\(path).enum", "expected a list"))
        }
        if let properties = keywords["properties"] {
            if case .object(let declared) = properties {
                for key in declared.keys.sorted() {
                    checkSchema(declared[key]!, "\(path).properties.\(key)", &found)
                }
            } else {
                found.append(SchemaViolation("\(path).properties", "expected a mapping"))
            }
        }
        if let items = keywords["items"] {
            checkSchema(items, "\(path).items", &found)
        }
        if let additional = keywords["additionalProperties"] {
            if !additional.isBool { checkSchema(additional, "\(path).additionalProperties", &found) }
        }
    }

    private static func typeList(_ type: JSONValue?) -> [String]? {
        switch type {
        case .string(let name)?: return [name]
        case .array(let names)?:
            let strings = names.compactMap { if case .string(let name) = $0 { name } else { nil } }
            return strings.count == names.count ? strings : nil
        default: return nil
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array),
             ("null", .null), ("number", .number):
            return true
        case ("integer", .number(let number)):
            return number.rounded() == number && number.isFinite
        default:
            return false
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number(let number): return number.rounded() == number ? "an integer" : "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }
}

public struct SchemaViolation: Hashable, Sendable {
    public var path: String
    public var message: String

    init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }
}
