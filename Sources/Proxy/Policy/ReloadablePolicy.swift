import Episodes
import Foundation

/// The policy `--policy` names, loaded again on `SIGHUP` without dropping a session: every
/// decision asks the policy current at that moment. A reload that fails (a bundle missing,
/// torn or incompatible) keeps the policy that was serving, and says why.
public final class ReloadablePolicy: ProxyPolicy, @unchecked Sendable {
    private let lock = NSLock()
    private var current: any ProxyPolicy
    private let load: @Sendable () throws -> any ProxyPolicy

    public init(_ initial: any ProxyPolicy, reload load: @escaping @Sendable () throws -> any ProxyPolicy) {
        current = initial
        self.load = load
    }

    private var policy: any ProxyPolicy {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Loads the policy again; the line to log either way.
    public func reload() -> String {
        let serving = policy.name
        do {
            let fresh = try load()
            lock.lock()
            current = fresh
            lock.unlock()
            return "SIGHUP: reloaded the policy (\(fresh.name))"
        } catch {
            return "SIGHUP: keeping the policy \(serving): \(error)"
        }
    }

    public var name: String { policy.name }

    public var readsFoldedText: Bool { policy.readsFoldedText }

    public func withhold(task: AgentTask?, history: [Step], available: [Tool]) -> [ToolWithholding] {
        policy.withhold(task: task, history: history, available: available)
    }

    public func judge(task: AgentTask?, history: [Step], pending: Action, tool: Tool) -> CallVerdict {
        policy.judge(task: task, history: history, pending: pending, tool: tool)
    }

    public func decide(task: AgentTask?, history: [Step], pending: Action, tool: Tool, available: [Tool]) -> (withheld: [ToolWithholding], verdict: CallVerdict) {
        policy.decide(task: task, history: history, pending: pending, tool: tool, available: available)
    }

    public func retainedHistory(_ history: [Step]) -> [Step] {
        policy.retainedHistory(history)
    }
}
