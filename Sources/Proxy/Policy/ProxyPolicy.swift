import Episodes

/// The tier-2 judgement on one pending call.
public struct CallVerdict: Codable, Hashable, Sendable {
    public var verdict: StepLabel
    public var confidence: Double
    public var reason: String

    public init(verdict: StepLabel, confidence: Double, reason: String) {
        self.verdict = verdict
        self.confidence = confidence
        self.reason = reason
    }
}

/// What the proxy asks of a defense policy. Text reaches it folded (leetspeak, homoglyphs,
/// invisible characters) or as written, as `readsFoldedText` asks, and the proxy's rules have
/// run first, so a policy only adds refusals: it can never let through what a rule refused.
///
/// Implementations: `StaticRulesPolicy` (`--policy rules`) and `BundlePolicy`, the trained
/// policy bundle (`--policy B.h5`).
public protocol ProxyPolicy: Sendable {
    /// How the audit log names this policy.
    var name: String { get }

    /// Whether the task and calls reach the policy folded by `TextNormalizer` (patterns written
    /// for folded text) or as written (a trained bundle, which learned from texts as written;
    /// the safety floor reads both forms before any policy).
    var readsFoldedText: Bool { get }

    /// Tier 1: the tools to withhold for `task` (nil when none was declared) given the steps so
    /// far; any tool not returned is offered.
    func withhold(task: AgentTask?, history: [Step], available: [Tool]) -> [ToolWithholding]

    /// Tier 2: the verdict on `pending` (a call to `tool`) before it runs.
    func judge(task: AgentTask?, history: [Step], pending: Action, tool: Tool) -> CallVerdict

    /// Both tiers for a pending call: what to withhold now (as `withhold`) and the verdict on the
    /// call (as `judge`). The proxy needs both before every call runs; a policy that embeds text
    /// answers them in one pass.
    func decide(task: AgentTask?, history: [Step], pending: Action, tool: Tool, available: [Tool]) -> (withheld: [ToolWithholding], verdict: CallVerdict)

    /// What of a session's history (oldest first) this policy will read again: the session
    /// keeps only this after every call, so its memory stays bounded however long it runs.
    func retainedHistory(_ history: [Step]) -> [Step]
}

extension ProxyPolicy {
    public var readsFoldedText: Bool { true }

    /// A policy that does not say what it reads keeps the last 32 steps.
    public func retainedHistory(_ history: [Step]) -> [Step] {
        Array(history.suffix(32))
    }

    public func decide(task: AgentTask?, history: [Step], pending: Action, tool: Tool, available: [Tool]) -> (withheld: [ToolWithholding], verdict: CallVerdict) {
        (withhold(task: task, history: history, available: available), judge(task: task, history: history, pending: pending, tool: tool))
    }
}
