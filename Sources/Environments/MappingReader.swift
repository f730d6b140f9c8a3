import Episodes
import SchemaValidation

/// Reads the fields of one YAML mapping, logging every missing field, wrong type and unknown
/// key with its path, so a loader can report all problems of a file at once.
struct MappingReader {
    let file: String
    let path: String
    let members: [String: JSONValue]
    let log: IssueLog

    /// Logs and returns nil when `value` is not a mapping.
    init?(_ value: JSONValue, file: String, path: String, log: IssueLog) {
        guard case .object(let members) = value else {
            log.add(file, path, "expected a mapping, found \(JSONSchemaValidator.describe(value))")
            return nil
        }
        self.file = file
        self.path = path
        self.members = members
        self.log = log
    }

    func child(_ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// Logs every key not in `known`.
    func rejectUnknownKeys(_ known: Set<String>) {
        for key in members.keys.sorted() where !known.contains(key) {
            log.add(file, child(key), "unknown key")
        }
    }

    func value(_ key: String) -> JSONValue? {
        guard let value = members[key] else {
            log.add(file, child(key), "missing required field")
            return nil
        }
        return value
    }

    func string(_ key: String) -> String? {
        value(key).flatMap { typed($0, key, "a string") { if case .string(let text) = $0 { text } else { nil } } }
    }

    func optionalString(_ key: String) -> String? {
        members[key] == nil ? nil : string(key)
    }

    func bool(_ key: String) -> Bool? {
        value(key).flatMap { typed($0, key, "true or false") { if case .bool(let flag) = $0 { flag } else { nil } } }
    }

    func optionalBool(_ key: String) -> Bool? {
        members[key] == nil ? nil : bool(key)
    }

    func number(_ key: String) -> Double? {
        value(key).flatMap { typed($0, key, "a number") { if case .number(let number) = $0 { number } else { nil } } }
    }

    func int(_ key: String) -> Int? {
        value(key).flatMap {
            typed($0, key, "an integer") {
                if case .number(let number) = $0, number.rounded() == number, abs(number) < 1e15 { Int(number) } else { nil }
            }
        }
    }

    /// A list of values, each handed to `element` with its path.
    func list<Element>(_ key: String, _ element: (JSONValue, String) -> Element?) -> [Element]? {
        guard let value = value(key) else { return nil }
        return list(value, at: child(key), element)
    }

    func optionalList<Element>(_ key: String, _ element: (JSONValue, String) -> Element?) -> [Element]? {
        members[key] == nil ? nil : list(key, element)
    }

    func list<Element>(_ value: JSONValue, at path: String, _ element: (JSONValue, String) -> Element?) -> [Element]? {
        guard case .array(let values) = value else {
            log.add(file, path, "expected a list, found \(JSONSchemaValidator.describe(value))")
            return nil
        }
        return values.enumerated().compactMap { index, value in element(value, "\(path)[\(index)]") }
    }

    /// A list element that must be a string.
    func stringElement(_ value: JSONValue, _ path: String) -> String? {
        if case .string(let text) = value { return text }
        log.add(file, path, "expected a string, found \(JSONSchemaValidator.describe(value))")
        return nil
    }

    private func typed<T>(_ value: JSONValue, _ key: String, _ expected: String, _ extract: (JSONValue) -> T?) -> T? {
        if let typed = extract(value) { return typed }
        log.add(file, child(key), "expected \(expected), found \(JSONSchemaValidator.describe(value))")
        return nil
    }
}
