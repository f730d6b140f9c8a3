import Episodes
import Foundation

/// Checks a value against a tool's input JSON Schema: the proxy checks a call's arguments
/// before anything runs, the emulator's suite validator checks every recorded call, so both
/// accept the same arguments. Covers the keywords MCP servers use in practice: type,
/// properties, required, additionalProperties, items, enum, const, minimum/maximum (and
/// exclusive), minLength/maxLength, pattern (ECMA-262, `ECMAPattern`), minItems/maxItems,
/// anyOf/oneOf/allOf/not, boolean schemas, and local `$ref` to `#/$defs` or `#/definitions`.
/// Unknown keywords are ignored, as JSON Schema itself prescribes. Tested against the official
/// JSON Schema Test Suite (draft 2020-12) for these keywords.
public struct JSONSchemaValidator {
    let root: JSONValue

    public init(schema: JSONValue) {
        root = schema
    }

    /// Every problem found, each at its path below `path` (the path of `value` itself). Below a
    /// value of the wrong type nothing more is reported: the rest would only repeat it.
    public func violations(of value: JSONValue, at path: String = "arguments") -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        check(value, schema: root, path: path, depth: 0, &found)
        return found
    }

    /// The first problem found, as `path: what is wrong`; `nil` when the arguments conform.
    public func problem(in arguments: JSONValue) -> String? {
        violations(of: arguments).first?.description
    }

    private func conforms(_ value: JSONValue, to schema: JSONValue, path: String, depth: Int) -> Bool {
        var found: [SchemaViolation] = []
        check(value, schema: schema, path: path, depth: depth, &found)
        return found.isEmpty
    }

    private func check(_ value: JSONValue, schema: JSONValue, path: String, depth: Int, _ found: inout [SchemaViolation]) {
        guard depth < 64 else { return found.append(SchemaViolation(path, "schema nested too deeply")) }
        guard case .object(let keywords) = schema else {
            if schema == .bool(false) { found.append(SchemaViolation(path, "no value is allowed here")) }
            return
        }
        if case .string(let reference)? = keywords["$ref"] {
            guard let target = resolve(reference) else { return found.append(SchemaViolation(path, "schema reference \(reference) not found")) }
            check(value, schema: target, path: path, depth: depth + 1, &found)
        }
        if let types = keywords["type"] {
            let allowed: [String]
            switch types {
            case .string(let single): allowed = [single]
            case .array(let many): allowed = many.compactMap { if case .string(let t) = $0 { return t } else { return nil } }
            default: allowed = []
            }
            if !allowed.isEmpty && !allowed.contains(where: { Self.value(value, hasType: $0) }) {
                return found.append(SchemaViolation(path, "expected \(allowed.joined(separator: " or ")), got \(Self.typeName(value))"))
            }
        }
        if case .array(let options)? = keywords["enum"], !options.contains(value) {
            found.append(SchemaViolation(path, "must be one of \(options.map(\.canonicalText).joined(separator: ", "))"))
        }
        if let constant = keywords["const"], constant != value {
            found.append(SchemaViolation(path, "must be \(constant.canonicalText)"))
        }
        checkNumber(value, keywords, path, &found)
        checkString(value, keywords, path, &found)
        checkArray(value, keywords, path, depth, &found)
        checkObject(value, keywords, path, depth, &found)
        checkCombinators(value, keywords, path, depth, &found)
    }

    /// A reference is a URI fragment holding a JSON pointer: percent-decoded first, then split
    /// at every `/` (an empty token is the key "").
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#"), let pointer = String(reference.dropFirst()).removingPercentEncoding,
              pointer.isEmpty || pointer.hasPrefix("/") else { return nil }
        var node = root
        for part in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard case .object(let members) = node, let next = members[key] else { return nil }
            node = next
        }
        return node
    }

    private func checkNumber(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ found: inout [SchemaViolation]) {
        guard case .number(let number) = value else { return }
        if case .number(let bound)? = keywords["minimum"], number < bound { found.append(SchemaViolation(path, "must be ≥ \(bound)")) }
        if case .number(let bound)? = keywords["maximum"], number > bound { found.append(SchemaViolation(path, "must be ≤ \(bound)")) }
        if case .number(let bound)? = keywords["exclusiveMinimum"], number <= bound { found.append(SchemaViolation(path, "must be > \(bound)")) }
        if case .number(let bound)? = keywords["exclusiveMaximum"], number >= bound { found.append(SchemaViolation(path, "must be < \(bound)")) }
    }

    private func checkString(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ found: inout [SchemaViolation]) {
        guard case .string(let text) = value else { return }
        let length = text.unicodeScalars.count
        if case .number(let bound)? = keywords["minLength"], Double(length) < bound { found.append(SchemaViolation(path, "shorter than \(Int(bound)) characters")) }
        if case .number(let bound)? = keywords["maxLength"], Double(length) > bound { found.append(SchemaViolation(path, "longer than \(Int(bound)) characters")) }
        if case .string(let pattern)? = keywords["pattern"] {
            guard let expression = Self.expressions.expression(for: pattern) else {
                return found.append(SchemaViolation(path, "schema pattern \(pattern) is not a valid regular expression"))
            }
            if expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                found.append(SchemaViolation(path, "does not match \(pattern)"))
            }
        }
    }

    private func checkArray(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ depth: Int, _ found: inout [SchemaViolation]) {
        guard case .array(let items) = value else { return }
        if case .number(let bound)? = keywords["minItems"], Double(items.count) < bound { found.append(SchemaViolation(path, "fewer than \(Int(bound)) items")) }
        if case .number(let bound)? = keywords["maxItems"], Double(items.count) > bound { found.append(SchemaViolation(path, "more than \(Int(bound)) items")) }
        if let itemSchema = keywords["items"] {
            for (index, item) in items.enumerated() {
                check(item, schema: itemSchema, path: "\(path)[\(index)]", depth: depth + 1, &found)
            }
        }
    }

    private func checkObject(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ depth: Int, _ found: inout [SchemaViolation]) {
        guard case .object(let members) = value else { return }
        if case .array(let required)? = keywords["required"] {
            for case .string(let key) in required where members[key] == nil {
                found.append(SchemaViolation("\(path).\(key)", "required"))
            }
        }
        var properties: [String: JSONValue] = [:]
        if case .object(let declared)? = keywords["properties"] { properties = declared }
        for key in members.keys.sorted() {
            let member = members[key]!
            if let propertySchema = properties[key] {
                check(member, schema: propertySchema, path: "\(path).\(key)", depth: depth + 1, &found)
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    found.append(SchemaViolation("\(path).\(key)", "not an argument of this tool"))
                } else {
                    check(member, schema: additional, path: "\(path).\(key)", depth: depth + 1, &found)
                }
            }
        }
    }

    private func checkCombinators(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ depth: Int, _ found: inout [SchemaViolation]) {
        if case .array(let all)? = keywords["allOf"] {
            for schema in all {
                check(value, schema: schema, path: path, depth: depth + 1, &found)
            }
        }
        if case .array(let any)? = keywords["anyOf"],
           !any.contains(where: { conforms(value, to: $0, path: path, depth: depth + 1) }) {
            found.append(SchemaViolation(path, "matches none of the allowed forms (anyOf)"))
        }
        if case .array(let one)? = keywords["oneOf"] {
            let matching = one.filter { conforms(value, to: $0, path: path, depth: depth + 1) }.count
            if matching != 1 { found.append(SchemaViolation(path, "must match exactly one allowed form (oneOf), matches \(matching)")) }
        }
        if let negated = keywords["not"], conforms(value, to: negated, path: path, depth: depth + 1) {
            found.append(SchemaViolation(path, "matches a form that is not allowed (not)"))
        }
    }

    static let expressions = PatternCache()

    /// Compiled schema patterns (ECMA-262 semantics, `ECMAPattern`): a tool's schema is checked
    /// on every call, and compiling is most of the cost. Bounded, since schemas come from
    /// upstreams.
    final class PatternCache: @unchecked Sendable {
        private let lock = NSLock()
        private var compiled: [String: NSRegularExpression?] = [:]

        func expression(for pattern: String) -> NSRegularExpression? {
            lock.lock()
            defer { lock.unlock() }
            if let known = compiled[pattern] { return known }
            if compiled.count >= 512 { compiled = [:] }
            let expression = try? NSRegularExpression(pattern: ECMAPattern.icu(pattern))
            compiled[pattern] = expression
            return expression
        }
    }

    /// A JSON number is an integer when it has no fractional part, however large (the test
    /// suite's "a bignum is an integer"): 1.0 and 1e300 are integers.
    static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
             ("array", .array), ("object", .object):
            return true
        case ("integer", .number(let number)):
            return number.rounded() == number && number.isFinite
        default:
            return false
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// One problem with a value or a schema, at its path (`arguments.items[2]`).
public struct SchemaViolation: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
