import Episodes

extension JSONSchemaValidator {
    /// Problems with a schema itself, for the keywords a suite's tool library may use: `type`
    /// (known names), `required` (a list), `enum` (a list), and the schemas under `properties`,
    /// `items` and `additionalProperties`. Suites are written by hand, so a typo there is an
    /// error, where an upstream's odd schema is only ignored.
    public static func schemaProblems(_ schema: JSONValue, at path: String) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        checkSchema(schema, path, &found)
        return found
    }

    static let typeNames: Set<String> = ["string", "number", "integer", "boolean", "object", "array", "null"]

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
        if let required = keywords["required"], typeList(required) == nil || required.string != nil {
            found.append(SchemaViolation("\(path).required", "expected a list of key names"))
        }
        if let allowed = keywords["enum"], allowed.array == nil {
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
            if additional.bool == nil { checkSchema(additional, "\(path).additionalProperties", &found) }
        }
    }

    private static func typeList(_ type: JSONValue) -> [String]? {
        switch type {
        case .string(let name): return [name]
        case .array(let names):
            let strings = names.compactMap(\.string)
            return strings.count == names.count ? strings : nil
        default: return nil
        }
    }

    /// A value's kind in words, for messages about hand-written files ("found a list").
    public static func describe(_ value: JSONValue) -> String {
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
