import Foundation
import Episodes

/// One event of the log, with the fields the importer reads; anything else is ignored.
struct AuditLine {
    enum Kind: String {
        case call
        case toolList = "tool_list"
        case definition
        case task
        case resourceRead = "resource_read"
    }

    var kind: Kind
    var instance: String?
    var session: String
    var time: String?
    var mode: String?
    var policy: String?
    var task: String?
    var taskSource: String?
    var upstream: String?
    var step: Step?
    var verdict: StepLabel?
    var confidence: Double?
    var rule: String?
    var technique: String?
    var blocked: Bool?
    var wouldBlock: Bool?
    var offered: [String] = []
    var withheld: [String] = []
    var descriptions: [String: String] = [:]

    init(parsing text: String) throws {
        guard let value = EmbeddedJSON.decodeJSON(text) else { throw RowError("not_json", "not valid JSON") }
        guard value.object != nil else { throw RowError("not_an_event", "not a JSON object") }
        guard case .number(let version)? = value["version"] else {
            throw RowError("missing_field", "missing or non-number field 'version'")
        }
        guard Int(exactly: version) == AuditImporter.supportedVersion else {
            throw RowError("unsupported_version", "audit format version \(JSONValue.number(version).canonicalText) is not \(AuditImporter.supportedVersion)")
        }
        let kindText = try value.requiredString("kind")
        guard let kind = Kind(rawValue: kindText) else {
            throw RowError("unknown_kind", "kind '\(kindText)' is not call, tool_list, definition, task or resource_read")
        }
        self.kind = kind
        session = try value.requiredString("session")
        instance = try Self.optionalString(value, "instance")
        time = try Self.optionalString(value, "time")
        mode = try Self.optionalString(value, "mode")
        policy = try Self.optionalString(value, "policy")
        task = try Self.optionalString(value, "task")
        taskSource = try Self.optionalString(value, "task_source")
        upstream = try Self.optionalString(value, "upstream")
        rule = try Self.optionalString(value, "rule")
        technique = try Self.optionalString(value, "technique")
        switch kind {
        case .call:
            step = try Self.step(value["step"])
            let verdictText = try value.requiredString("verdict")
            guard let verdict = StepLabel(rawValue: verdictText) else {
                throw RowError("unknown_verdict", "verdict '\(verdictText)' is not safe, critical or unsafe")
            }
            self.verdict = verdict
            guard let blocked = value["blocked"]?.bool else { throw RowError("missing_field", "missing or non-boolean field 'blocked'") }
            self.blocked = blocked
            wouldBlock = value["would_block"]?.bool
            if case .number(let confidence)? = value["confidence"] { self.confidence = confidence }
        case .toolList:
            guard let offered = (value["offered"] ?? .array([])).strings else {
                throw RowError("missing_field", "field 'offered' is not a list of tool names")
            }
            self.offered = offered
            let withheld = value["withheld"]?.array ?? []
            self.withheld = try withheld.enumerated().map { index, item in
                guard let name = item["tool"]?.string else {
                    throw RowError("missing_field", "missing or non-string field 'withheld[\(index)].tool'")
                }
                return name
            }
            let descriptions = value["descriptions"] ?? .object([:])
            guard let byTool = descriptions.isNull ? [:] : descriptions.object else {
                throw RowError("missing_field", "field 'descriptions' is not an object of tool descriptions")
            }
            self.descriptions = try byTool.mapValues { description in
                guard let text = description.string else {
                    throw RowError("missing_field", "field 'descriptions' is not an object of tool descriptions")
                }
                return text
            }
        case .task:
            guard task != nil else { throw RowError("missing_field", "missing or non-string field 'task'") }
        case .definition, .resourceRead:
            break
        }
    }

    private static func optionalString(_ value: JSONValue, _ key: String) throws -> String? {
        guard let field = value[key], !field.isNull else { return nil }
        guard let text = field.string else { throw RowError("missing_field", "field '\(key)' is not a string") }
        return text
    }

    private static func step(_ value: JSONValue?) throws -> Step {
        guard let value, value.object != nil else { throw RowError("missing_field", "missing or non-object field 'step'") }
        do {
            return try JSONDecoder().decode(Step.self, from: Data(value.canonicalText.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw RowError("missing_field", "missing field 'step.\(path)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw RowError("invalid_step", "field 'step.\(path)' is not valid: \(context.debugDescription)")
        }
    }
}
