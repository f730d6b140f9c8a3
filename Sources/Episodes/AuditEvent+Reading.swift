import Foundation

/// Reading a line of the audit log back, for `safemcp data import --format audit`. A log may
/// come from older proxies, be shared by several, or end in a line torn by a crash, so a line
/// is refused only for what the importer cannot do without:
///
/// - `version` (1), `kind` (one of `Kind`) and `session`, on every line;
/// - a call's `step`, `verdict` and `blocked`, and a task event's `task`;
/// - a listing's `offered`, `withheld` and `descriptions` when present, in their shapes;
/// - the strings an episode's id and metadata carry (`instance`, `time`, `mode`, `policy`,
///   `task`, `task_source`, `upstream`, `rule`, `technique`) when present, as strings.
///
/// The rest (`tool`, `item`, `reason`, `confidence`, `would_block`, a finding's `blocked`,
/// `injection`, `injection_action`, the timings) is taken when well-formed and otherwise left
/// out, and unknown fields are ignored. `step` and `verdict` are read on calls and the
/// listing's fields on listings, the only kinds the proxy writes them on.
extension AuditEvent {
    /// Why a line is not an event: `reason` is the import summary's code (docs/audit-log.md),
    /// `message` names the field.
    public struct LineError: Error, CustomStringConvertible, Sendable {
        public var reason: String
        public var message: String
        public var description: String { message }

        init(_ reason: String, _ message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// The event on one line of the log (without its newline).
    public init(line text: String) throws {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw LineError("not_json", "not valid JSON")
        }
        guard value.object != nil else { throw LineError("not_an_event", "not a JSON object") }
        guard case .number(let version)? = value["version"] else {
            throw LineError("missing_field", "missing or non-number field 'version'")
        }
        guard Int(exactly: version) == Self.formatVersion else {
            throw LineError("unsupported_version", "audit format version \(JSONValue.number(version).canonicalText) is not \(Self.formatVersion)")
        }
        guard let kindText = value["kind"]?.string else { throw LineError("missing_field", "missing or non-string field 'kind'") }
        guard let kind = Kind(rawValue: kindText) else {
            throw LineError("unknown_kind", "kind '\(kindText)' is not call, tool_list, definition, task or resource_read")
        }
        guard let session = value["session"]?.string else { throw LineError("missing_field", "missing or non-string field 'session'") }
        self.kind = kind
        self.session = session
        instance = try Self.optionalString(value, "instance")
        time = try Self.optionalString(value, "time")
        mode = try Self.optionalString(value, "mode")
        policy = try Self.optionalString(value, "policy")
        task = try Self.optionalString(value, "task")
        taskSource = try Self.optionalString(value, "task_source")
        upstream = try Self.optionalString(value, "upstream")
        rule = try Self.optionalString(value, "rule")
        technique = try Self.optionalString(value, "technique")
        tool = value["tool"]?.string
        item = value["item"]?.string
        reason = value["reason"]?.string
        blocked = value["blocked"]?.bool
        wouldBlock = value["would_block"]?.bool
        confidence = Self.number(value["confidence"])
        decisionMs = Self.number(value["decision_ms"])
        latencyMs = Self.number(value["latency_ms"])
        injection = value["injection"].flatMap { try? JSONDecoder().decode([RuleFinding].self, from: Data($0.canonicalText.utf8)) }
        injectionAction = value["injection_action"]?.string
        switch kind {
        case .call:
            step = try Self.step(value["step"])
            guard let verdictText = value["verdict"]?.string else { throw LineError("missing_field", "missing or non-string field 'verdict'") }
            guard let verdict = StepLabel(rawValue: verdictText) else {
                throw LineError("unknown_verdict", "verdict '\(verdictText)' is not safe, critical or unsafe")
            }
            self.verdict = verdict
            guard blocked != nil else { throw LineError("missing_field", "missing or non-boolean field 'blocked'") }
        case .toolList:
            if let field = value["offered"] {
                guard let offered = field.strings else { throw LineError("missing_field", "field 'offered' is not a list of tool names") }
                self.offered = offered
            }
            withheld = try value["withheld"]?.array.map { items in
                try items.enumerated().map { index, item in
                    guard let tool = item["tool"]?.string else {
                        throw LineError("missing_field", "missing or non-string field 'withheld[\(index)].tool'")
                    }
                    return ToolWithholding(tool: tool, reason: item["reason"]?.string ?? "")
                }
            }
            if let field = value["descriptions"], !field.isNull {
                let notDescriptions = LineError("missing_field", "field 'descriptions' is not an object of tool descriptions")
                guard let byTool = field.object else { throw notDescriptions }
                descriptions = try byTool.mapValues { description in
                    guard let text = description.string else { throw notDescriptions }
                    return text
                }
            }
        case .task:
            guard task != nil else { throw LineError("missing_field", "missing or non-string field 'task'") }
        case .definition, .resourceRead:
            break
        }
    }

    private static func optionalString(_ value: JSONValue, _ key: String) throws -> String? {
        guard let field = value[key], !field.isNull else { return nil }
        guard let text = field.string else { throw LineError("missing_field", "field '\(key)' is not a string") }
        return text
    }

    private static func number(_ value: JSONValue?) -> Double? {
        guard case .number(let number)? = value else { return nil }
        return number
    }

    private static func step(_ value: JSONValue?) throws -> Step {
        guard let value, value.object != nil else { throw LineError("missing_field", "missing or non-object field 'step'") }
        do {
            return try JSONDecoder().decode(Step.self, from: Data(value.canonicalText.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw LineError("missing_field", "missing field 'step.\(path)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw LineError("invalid_step", "field 'step.\(path)' is not valid: \(context.debugDescription)")
        }
    }
}
