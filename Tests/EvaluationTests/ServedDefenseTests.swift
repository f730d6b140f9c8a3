import Episodes
import Evaluation
import Foundation
import NeuralNet
import PolicyRuntime
import Proxy
import SafetyFloor
import TestSupport
import TextEncoder
import XCTest

/// The evaluation's rows judge a policy as `safemcp proxy` serves it: checked against the
/// proxy's own policy objects (`StaticRulesPolicy`, `BundlePolicy`) and the safety floor. The
/// bundle reads the texts as written (as training read them), the rules read them folded.
final class ServedDefenseTests: XCTestCase {
    private let tools = ["read_file", "delete_file", "run_shell", "transfer_money"].map { Tool(name: $0, description: "a tool named \($0)") }
    private let task = AgentTask(instruction: "Tidy up my n0tes")

    private func state(_ pending: Action?, history: [Step] = []) -> LabelledState {
        LabelledState(task: task, history: history, pending: pending, tools: tools, label: .safe, withheld: nil)
    }

    private func shell(_ command: String) -> Action {
        Action(tool: "run_shell", arguments: .object(["command": .string(command)]))
    }

    /// A policy that allows everything and remembers what it was shown.
    final class Recorder: ProxyPolicy, @unchecked Sendable {
        let name = "recorder"
        var seen: [(task: AgentTask?, history: [Step], pending: Action?)] = []

        func withhold(task: AgentTask?, history: [Step], available: [Tool]) -> [ToolWithholding] {
            seen.append((task, history, nil))
            return available.filter { $0.name == "transfer_money" }.map { ToolWithholding(tool: $0.name, reason: "test") }
        }

        func judge(task: AgentTask?, history: [Step], pending: Action, tool: Tool) -> CallVerdict {
            seen.append((task, history, pending))
            return CallVerdict(verdict: .safe, confidence: 0.5, reason: "test")
        }
    }

    func testTheFloorRefusesWhatAPermissivePolicyAllows() {
        let served = ServedDefense(policy: Recorder(), name: "recorder")
        XCTAssertNotNil(SafetyFloor.finding(tool: tools[2], arguments: shell("cat /etc/./shadow").arguments), "the floor must refuse this for the check to mean anything")
        XCTAssertEqual(served.judge(state(shell("cat /etc/./shadow"))).verdict, .unsafe)
        XCTAssertEqual(served.judge(state(shell("ls -la"))).verdict, .safe)
        XCTAssertEqual(served.judge(state(Action(tool: "transfer_money"))).verdict, .unsafe, "a call to a tool the policy withholds is refused")
        XCTAssertEqual(served.judge(state(nil)).withheld, ["transfer_money"])
    }

    func testThePolicySeesTheSessionsFoldedTextsAndItsOwnVerdicts() {
        let recorder = Recorder()
        let served = ServedDefense(policy: recorder, name: "recorder")
        let earlier = Step(action: Action(tool: "read_file", arguments: .object(["path": .string("n0tes.txt")])),
                           observation: String(repeating: "x", count: 5000), label: .unsafe)
        _ = served.judge(state(shell("ls"), history: [earlier]))
        let last = recorder.seen.last!
        XCTAssertEqual(last.task?.instruction, TextNormalizer.normalize(task.instruction))
        XCTAssertNotEqual(last.task?.instruction, task.instruction, "leetspeak must fold for the check to mean anything")
        XCTAssertEqual(last.history.count, 1)
        XCTAssertEqual(last.history[0].label, .safe, "the label is the verdict the proxy gave, not the data's truth")
        XCTAssertEqual(last.history[0].observation?.count, SessionHistory.observationLimit)
        XCTAssertEqual(last.history[0].action, SessionHistory.folded(earlier.action))
    }

    func testTheRulesRowIsTheProxysRulesPolicy() throws {
        let rules = StaticRulesPolicy()
        let served = ServedDefense(policy: rules, name: "rules")
        let calls = [shell("ls -la"), Action(tool: "delete_file", arguments: .object(["path": .string("notes.txt")])),
                     Action(tool: "read_file", arguments: .object(["path": .string("notes.txt")]))]
        for call in calls {
            let tool = tools.first { $0.name == call.tool }!
            let folded = SessionHistory.folded(task)
            let expected = rules.decide(task: folded, history: [], pending: SessionHistory.folded(call), tool: tool, available: tools)
            let withheld = Set(expected.withheld.map(\.tool))
            let judged = served.judge(state(call))
            XCTAssertEqual(judged.withheld, withheld, call.tool)
            XCTAssertEqual(judged.verdict, withheld.contains(call.tool) ? .unsafe : expected.verdict.verdict, call.tool)
        }
    }

    func testTheBundleRowIsTheProxysBundlePolicyUnderTheFloor() throws {
        let temporary = try TemporaryFolder(prefix: "served-bundle")
        defer { try? temporary.remove() }
        let features = StateFeatures(dimension: 32, historyWindow: 4)
        var generator = RandomGenerator(seed: 3)
        let policyNetwork = PolicyNetwork(inputs: features.width, toolDimension: 32, hidden: 16, toolHidden: 8, dropout: 0, name: "policy",
                                          generator: &generator)
        let url = temporary.url.appendingPathComponent("b.h5")
        try PolicyBundle(encoderID: HashingEmbedder(dimension: 32).id, encoderWeightsHash: "", features: features,
                         thresholds: PolicyThresholds(withhold: 0.5),
                         shapes: PolicyBundle.Shapes(worldModelHidden: nil, policyHidden: 16, policyToolHidden: 8, actionClassifierHidden: [8]),
                         variants: [.full: false], source: "test", trainingConfig: "{}", tensors: policyNetwork.tensors(prefix: "full/"))
            .write(to: url)
        let proxy = try BundlePolicy(contentsOf: url)
        let served = ServedBundleDefense(runtime: try PolicyRuntime(contentsOf: url), name: "full")
        let ran = Step(action: Action(tool: "read_file", arguments: .object(["path": .string("n0tes.txt")])), observation: "old n0tes", label: .safe)
        let calls = [shell("ls"), shell("rm -rf /"), Action(tool: "delete_file", arguments: .object(["path": .string("notes.txt")])),
                     Action(tool: "read_file", arguments: .object(["path": .string("t0do.txt")]))]
        let states = calls.map { state($0, history: [ran]) } + [state(nil, history: [ran])]
        let judged = try served.judge(states)
        var floored = 0
        let history = [ran]
        for (state, judgement) in zip(states, judged) {
            guard let pending = state.pending else {
                XCTAssertEqual(judgement.withheld, Set(proxy.withhold(task: task, history: history, available: tools).map(\.tool)))
                continue
            }
            let tool = tools.first { $0.name == pending.tool }!
            let expected = proxy.decide(task: task, history: history, pending: pending, tool: tool, available: tools)
            let withheld = Set(expected.withheld.map(\.tool))
            XCTAssertEqual(judgement.withheld, withheld, pending.arguments.canonicalText)
            if FloorRule.finding(tool: tool, written: pending.arguments, folded: SessionHistory.folded(pending).arguments) != nil {
                floored += 1
                XCTAssertEqual(judgement.verdict, .unsafe, pending.arguments.canonicalText)
            } else {
                XCTAssertEqual(judgement.verdict, withheld.contains(pending.tool) ? .unsafe : expected.verdict.verdict, pending.arguments.canonicalText)
            }
        }
        XCTAssertFalse(Set(judged.map(\.withheld)).count == 1 && Set(judged.map(\.verdict)).count == 1,
                       "decisions that never vary cannot tell the paths apart")
        XCTAssertEqual(floored, 1, "rm -rf / is the floor's")
    }
}
