import Foundation

/// One line of the audit log: one decision of the proxy. The proxy writes it (`line`) and
/// `safemcp data import --format audit` reads it back (`init(line:)`, AuditEvent+Reading.swift)
/// as training steps, its `step` being the step schema. The format is documented in
/// docs/audit-log.md.
public struct AuditEvent: Encodable, Equatable, Sendable {
    public enum Kind: String, Encodable, Sendable {
        /// A `tools/call` was judged (and, unless blocked, forwarded).
        case call
        /// Tier 1 chose the tools offered in a `tools/list` answer.
        case toolList = "tool_list"
        /// A rule flagged a definition when it was listed: a tool (pinning, description scan), a
        /// prompt, a resource or resource template, or an upstream's `initialize` instructions.
        case definition
        /// The session's task was set.
        case task
        /// A `resources/read` answer carried injected instructions.
        case resourceRead = "resource_read"
    }

    /// The format version the proxy writes and the reader accepts.
    public static let formatVersion = 1

    public var version = AuditEvent.formatVersion
    /// The proxy process that wrote the line (set by `AuditLog`): proxies sharing one file all
    /// number their sessions from `s1`, and this keeps their sessions apart when the log is read.
    public var instance: String?
    /// The proxy always writes `time`, `mode` and `policy`; a line read back may lack them.
    public var time: String?
    public var kind: Kind
    public var session: String
    public var mode: String?
    public var policy: String?
    public var task: String?
    public var taskSource: String?
    public var tool: String?
    /// What a `definition` event is about when it is not a tool: `prompt NAME`,
    /// `resource URI`, `resource template URI` or `instructions`.
    public var item: String?
    public var upstream: String?
    public var step: Step?
    public var verdict: StepLabel?
    public var confidence: Double?
    public var reason: String?
    public var rule: String?
    public var technique: String?
    public var blocked: Bool?
    public var wouldBlock: Bool?
    public var withheld: [ToolWithholding]?
    public var offered: [String]?
    /// The description of every tool in `offered` and `withheld` that the proxy knows: what the
    /// policy read, so an imported episode shows the training the same tool texts.
    public var descriptions: [String: String]?
    /// What the result scan found in a call's result or a resource's contents (SAF-T1102), and
    /// what was done about it: `block`, `mark` or `log` (`--on-injection`; `log` in shadow mode).
    public var injection: [RuleFinding]?
    public var injectionAction: String?
    public var decisionMs: Double?
    public var latencyMs: Double?

    /// Snake case, as in the step schema (`risk_type`, `input_schema`).
    enum CodingKeys: String, CodingKey {
        case version, instance, time, kind, session, mode, policy, task, tool, item, upstream, step, verdict, confidence
        case reason, rule, technique, blocked, withheld, offered, descriptions, injection
        case injectionAction = "injection_action"
        case taskSource = "task_source"
        case wouldBlock = "would_block"
        case decisionMs = "decision_ms"
        case latencyMs = "latency_ms"
    }

    public init(time: String, kind: Kind, session: String, mode: String, policy: String) {
        self.time = time
        self.kind = kind
        self.session = session
        self.mode = mode
        self.policy = policy
    }

    /// The event as one line of the log (without the newline), in `CanonicalJSON`.
    public func line() throws -> Data {
        try CanonicalJSON.encode(self)
    }
}
