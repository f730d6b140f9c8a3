import Episodes
import Foundation

/// Checks a call's arguments against the tool's input JSON Schema before anything runs, so a
/// malformed or smuggled argument is refused with the path that is wrong. Covers the keywords
/// MCP servers use in practice: type, properties, required, additionalProperties, items,
/// enum, const, minimum/maximum (and exclusive), minLength/maxLength, pattern,
/// minItems/maxItems, anyOf/oneOf/allOf/not, and local `$ref` to `#/$defs` or `#/definitions`.
/// Unknown keywords are ignored, as JSON Schema itself prescribes.
public struct ArgumentValidator {
    let root: JSONValue

    public init(schema: JSONValue) {
        root = schema
    }

    /// The first problem found, as `path: what is wrong`; `nil` when the arguments conform.
    public func problem(in arguments: JSONValue) -> String? {
        problem(arguments, schema: root, path: "arguments", depth: 0)
    }

    public static func finding(tool: String, schema: JSONValue, arguments: JSONValue) -> RuleFinding? {
        guard let problem = ArgumentValidator(schema: schema).problem(in: arguments) else { return nil }
        return RuleFinding(rule: "argument-schema", reason: "tool \(tool): invalid arguments: \(problem)")
    }

    private func problem(_ value: JSONValue, schema: JSONValue, path: String, depth: Int) -> String? {
        guard depth < 64 else { return "\(path): schema nested too deeply" }
        guard case .object(let keywords) = schema else {
            return schema == .bool(false) ? "\(path): no value is allowed here" : nil
        }
        if case .string(let reference)? = keywords["$ref"] {
            guard let target = resolve(reference) else { return "\(path): schema reference \(reference) not found" }
            if let problem = problem(value, schema: target, path: path, depth: depth + 1) { return problem }
        }
        if let types = keywords["type"] {
            let allowed: [String]
            switch types {
            case .string(let single): allowed = [single]
            case .array(let many): allowed = many.compactMap { if case .string(let t) = $0 { return t } else { return nil } }
            default: allowed = []
            }
            if !allowed.isEmpty && !allowed.contains(where: { Self.value(value, hasType: $0) }) {
                return "\(path): expected \(allowed.joined(separator: " or ")), got \(Self.typeName(value))"
            }
        }
        if case .array(let options)? = keywords["enum"], !options.contains(value) {
            return "\(path): must be one of \(options.map(\.canonicalText).joined(separator: ", "))"
        }
        if let constant = keywords["const"], constant != value {
            return "\(path): must be \(constant.canonicalText)"
        }
        if let problem = numberProblem(value, keywords, path) ?? stringProblem(value, keywords, path) { return problem }
        if let problem = arrayProblem(value, keywords, path, depth) ?? objectProblem(value, keywords, path, depth) { return problem }
        return combinatorProblem(value, keywords, path, depth)
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for part in reference.dropFirst().split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard case .object(let members) = node, let next = members[key] else { return nil }
            node = next
        }
        return node
    }

    private func numberProblem(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String) -> String? {
        guard case .number(let number) = value else { return nil }
        if case .number(let bound)? = keywords["minimum"], number < bound { return "\(path): must be ≥ \(bound)" }
        if case .number(let bound)? = keywords["maximum"], number > bound { return "\(path): must be ≤ \(bound)" }
        if case .number(let bound)? = keywords["exclusiveMinimum"], number <= bound { return "\(path): must be > \(bound)" }
        if case .number(let bound)? = keywords["exclusiveMaximum"], number >= bound { return "\(path): must be < \(bound)" }
        return nil
    }

    private func stringProblem(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String) -> String? {
        guard case .string(let text) = value else { return nil }
        let length = text.unicodeScalars.count
        if case .number(let bound)? = keywords["minLength"], Double(length) < bound { return "\(path): shorter than \(Int(bound)) characters" }
        if case .number(let bound)? = keywords["maxLength"], Double(length) > bound { return "\(path): longer than \(Int(bound)) characters" }
        if case .string(let pattern)? = keywords["pattern"] {
            guard let expression = Self.expressions.expression(for: pattern) else { return "\(path): schema pattern \(pattern) is not a valid regular expression" }
            if expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                return "\(path): does not match \(pattern)"
            }
        }
        return nil
    }

    private func arrayProblem(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ depth: Int) -> String? {
        guard case .array(let items) = value else { return nil }
        if case .number(let bound)? = keywords["minItems"], Double(items.count) < bound { return "\(path): fewer than \(Int(bound)) items" }
        if case .number(let bound)? = keywords["maxItems"], Double(items.count) > bound { return "\(path): more than \(Int(bound)) items" }
        if let itemSchema = keywords["items"] {
            for (index, item) in items.enumerated() {
                if let problem = problem(item, schema: itemSchema, path: "\(path)[\(index)]", depth: depth + 1) { return problem }
            }
        }
        return nil
    }

    private func objectProblem(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ depth: Int) -> String? {
        guard case .object(let members) = value else { return nil }
        if case .array(let required)? = keywords["required"] {
            for case .string(let key) in required where members[key] == nil {
                return "\(path).\(key): required"
            }
        }
        var properties: [String: JSONValue] = [:]
        if case .object(let declared)? = keywords["properties"] { properties = declared }
        for key in members.keys.sorted() {
            let member = members[key]!
            if let propertySchema = properties[key] {
                if let problem = problem(member, schema: propertySchema, path: "\(path).\(key)", depth: depth + 1) { return problem }
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) { return "\(path).\(key): not an argument of this tool" }
                if let problem = problem(member, schema: additional, path: "\(path).\(key)", depth: depth + 1) { return problem }
            }
        }
        return nil
    }

    private func combinatorProblem(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ depth: Int) -> String? {
        if case .array(let all)? = keywords["allOf"] {
            for schema in all {
                if let problem = problem(value, schema: schema, path: path, depth: depth + 1) { return problem }
            }
        }
        if case .array(let any)? = keywords["anyOf"],
           !any.contains(where: { problem(value, schema: $0, path: path, depth: depth + 1) == nil }) {
            return "\(path): matches none of the allowed forms (anyOf)"
        }
        if case .array(let one)? = keywords["oneOf"] {
            let matching = one.filter { problem(value, schema: $0, path: path, depth: depth + 1) == nil }.count
            if matching != 1 { return "\(path): must match exactly one allowed form (oneOf), matches \(matching)" }
        }
        if let negated = keywords["not"], problem(value, schema: negated, path: path, depth: depth + 1) == nil {
            return "\(path): matches a form that is not allowed (not)"
        }
        return nil
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

    static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
             ("array", .array), ("object", .object):
            return true
        case ("integer", .number(let number)):
            return number.rounded() == number && abs(number) < 9.007_199_254_740_992e15
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
