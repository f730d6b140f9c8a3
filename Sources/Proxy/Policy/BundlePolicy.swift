import Episodes
import Foundation
import PolicyRuntime

/// The trained policy behind `--policy B.h5`: a bundle written by `safemcp export`, decided by
/// `PolicyRuntime` with the encoder the bundle was trained with.
///
/// - Tier 1 (`tools/list`) asks the runtime with no pending call and withholds the tools it
///   withholds; the reason names the withhold probability against the bundle's threshold.
/// - For a call, both tiers come from one state holding the pending call and the offered tools.
///   When the bundle has a world model, the policy reads the world model's look-ahead (what the
///   call is predicted to lead to), and the reason says the predicted probability that an
///   unsafe step follows. Confidence is the probability of the verdict. A bundle's request
///   screen that blocks the call says so, with its probability and the policy's P(safe).
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
    /// The texts as written, as training read them: folded ones (`1gnore`, `rм`) are texts the
    /// network never saw.
    public let readsFoldedText = false
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
        switch outputs([input(task: task, history: history, pending: nil, tools: available)]) {
        case .success(let outputs): return withholdings(outputs[0], available: available)
        case .failure(let error): return Self.withholdingAll(available, error)
        }
    }

    public func judge(task: AgentTask?, history: [Step], pending: Action, tool: Tool) -> CallVerdict {
        switch outputs([input(task: task, history: history, pending: pending, tools: [tool])]) {
        case .success(let outputs): return Self.verdict(outputs[0])
        case .failure(let error): return Self.unjudged(error)
        }
    }

    /// Both tiers from one state — the pending call with every offered tool — as training and
    /// the emulator ask them (`LearnedDefense`): a withhold head trained on states that hold the
    /// pending call is not asked about states that lack it.
    public func decide(task: AgentTask?, history: [Step], pending: Action, tool: Tool, available: [Tool]) -> (withheld: [ToolWithholding], verdict: CallVerdict) {
        let offered = available.contains { $0.name == tool.name } ? available : available + [tool]
        switch outputs([input(task: task, history: history, pending: pending, tools: offered)]) {
        case .success(let outputs): return (withholdings(outputs[0], available: available), Self.verdict(outputs[0]))
        case .failure(let error): return (Self.withholdingAll(available, error), Self.unjudged(error))
        }
    }

    private func input(task: AgentTask?, history: [Step], pending: Action?, tools: [Tool]) -> PolicyInput {
        PolicyInput(task: task ?? AgentTask(instruction: ""), history: retainedHistory(history), pending: pending, tools: tools)
    }

    /// The state reads only the last `historyWindow` executed steps; passing no more keeps a
    /// long session's decisions from embedding and hashing its whole past every time.
    public func retainedHistory(_ history: [Step]) -> [Step] {
        Self.retained(history, window: runtime.bundle.features.historyWindow)
    }

    /// The executed steps of `history`, the last `window` of them.
    public static func retained(_ history: [Step], window: Int) -> [Step] {
        Array(history.filter { $0.pending != true }.suffix(window))
    }

    private func outputs(_ inputs: [PolicyInput]) -> Result<[PolicyOutput], Error> {
        lock.lock()
        defer { lock.unlock() }
        return Result { try runtime.decide(inputs) }
    }

    private func withholdings(_ output: PolicyOutput, available: [Tool]) -> [ToolWithholding] {
        let threshold = runtime.bundle.thresholds.withhold
        return zip(available, output.withholdProbabilities).compactMap { tool, probability in
            guard output.withheld.contains(tool.name) else { return nil }
            return ToolWithholding(tool: tool.name, reason: "the trained policy withholds \(tool.name) for this task "
                                   + "(withhold probability \(Self.format(probability)) ≥ \(Self.format(threshold)))")
        }
    }

    private static func verdict(_ output: PolicyOutput) -> CallVerdict {
        if let screen = output.screen, screen.blocks {
            let safe = output.verdictProbabilities[StepLabel.safe.index]
            let reason = "the trained policy's request screen reads the task as a request for harm (probability \(format(screen.probability)) "
                + "≥ \(format(screen.flag))), and the policy is not confident this call is safe (P(safe) \(format(safe)) < \(format(screen.allowAbove)))"
            return CallVerdict(verdict: .unsafe, confidence: output.confidence, reason: reason)
        }
        var reason = "the trained policy judges this call \(output.verdict.rawValue) (probability \(format(output.confidence)))"
        if let lookahead = output.lookahead {
            reason += "; its world model predicts an unsafe step follows with probability \(format(lookahead.unsafeFollows))"
        }
        return CallVerdict(verdict: output.verdict, confidence: output.confidence, reason: reason)
    }

    private static func withholdingAll(_ available: [Tool], _ error: Error) -> [ToolWithholding] {
        available.map { ToolWithholding(tool: $0.name, reason: "the trained policy could not decide (\(error)), so nothing is offered") }
    }

    private static func unjudged(_ error: Error) -> CallVerdict {
        CallVerdict(verdict: .unsafe, confidence: 1, reason: "the trained policy could not judge this call (\(error))")
    }

    static func format(_ probability: Double) -> String {
        String(format: "%.2f", probability)
    }
}
