import Episodes
import Foundation
import PolicyRuntime

/// The trained policy behind `--policy B.h5`: a bundle written by `safemcp export`, decided by
/// `PolicyRuntime` with the encoder the bundle was trained with.
///
/// - Tier 1 asks the runtime with no pending call and withholds the tools it withholds; the
///   reason names the withhold probability against the bundle's threshold.
/// - Tier 2 asks it with the pending call. When the bundle has a world model, the policy reads
///   the world model's look-ahead (what the call is predicted to lead to), and the reason says
///   the predicted probability that an unsafe step follows. Confidence is the probability of
///   the verdict.
/// - The runtime sees the session's executed steps as history (the last `historyWindow` of them,
///   all the state reads): a blocked call never ran, so no later state contains it (the same
///   trajectories `data import --format audit` gives back).
/// - With no task declared, the instruction is empty.
///
/// The runtime keeps an embedding cache and is not thread-safe; sessions decide concurrently
/// (HTTP), so every decision holds `lock`. A decision that fails withholds everything and
/// blocks the call: the proxy never serves a call the policy could not judge.
public final class BundlePolicy: ProxyPolicy, @unchecked Sendable {
    public let name: String
    private let runtime: PolicyRuntime
    private let lock = NSLock()

    /// Loads the bundle and its encoder; errors name the file that is missing, torn or
    /// incompatible.
    public init(contentsOf url: URL, encoderDirectory: String? = nil) throws {
        runtime = try PolicyRuntime(contentsOf: url, variant: .full, encoderDirectory: encoderDirectory)
        name = "bundle:\(url.lastPathComponent)"
    }

    public func withhold(task: AgentTask?, history: [Step], available: [Tool]) -> [ToolWithholding] {
        guard !available.isEmpty else { return [] }
        let threshold = runtime.bundle.thresholds.withhold
        switch decide(task: task, history: history, pending: nil, tools: available) {
        case .success(let output):
            return zip(available, output.withholdProbabilities).compactMap { tool, probability in
                guard output.withheld.contains(tool.name) else { return nil }
                return ToolWithholding(tool: tool.name, reason: "the trained policy withholds \(tool.name) for this task "
                                       + "(withhold probability \(Self.format(probability)) ≥ \(Self.format(threshold)))")
            }
        case .failure(let error):
            return available.map { ToolWithholding(tool: $0.name, reason: "the trained policy could not decide (\(error)), so nothing is offered") }
        }
    }

    public func judge(task: AgentTask?, history: [Step], pending: Action, tool: Tool) -> CallVerdict {
        switch decide(task: task, history: history, pending: pending, tools: [tool]) {
        case .success(let output):
            var reason = "the trained policy judges this call \(output.verdict.rawValue) (probability \(Self.format(output.confidence)))"
            if let lookahead = output.lookahead {
                reason += "; its world model predicts an unsafe step follows with probability \(Self.format(lookahead.unsafeFollows))"
            }
            return CallVerdict(verdict: output.verdict, confidence: output.confidence, reason: reason)
        case .failure(let error):
            return CallVerdict(verdict: .unsafe, confidence: 1, reason: "the trained policy could not judge this call (\(error))")
        }
    }

    private func decide(task: AgentTask?, history: [Step], pending: Action?, tools: [Tool]) -> Result<PolicyOutput, Error> {
        // The state reads only the last `historyWindow` steps; passing no more keeps a long
        // session's decisions from embedding and hashing its whole past every time.
        let executed = history.filter { $0.pending != true }.suffix(runtime.bundle.features.historyWindow)
        let input = PolicyInput(task: task ?? AgentTask(instruction: ""), history: Array(executed), pending: pending, tools: tools)
        lock.lock()
        defer { lock.unlock() }
        return Result { try runtime.decide([input])[0] }
    }

    static func format(_ probability: Double) -> String {
        String(format: "%.2f", probability)
    }
}
