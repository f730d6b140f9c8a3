import Episodes
import Foundation
import NeuralNet
import PolicyRuntime
@testable import Proxy
import TestSupport
import TextEncoder
import XCTest

/// `BundlePolicy` against `PolicyRuntime` called directly on a bundle of untrained networks (its
/// decisions are arbitrary, but fixed by the weights, which is all the comparison needs).
final class BundlePolicyTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL { temporary.url }

    override func setUpWithError() throws {
        temporary = try TemporaryFolder(prefix: "bundle-policy")
    }

    override func tearDownWithError() throws {
        try temporary.remove()
    }

    /// A bundle with a world model and a full policy, seeded random weights.
    private func writeBundle(encoderID: String = HashingEmbedder(dimension: 32).id, weightsHash: String = "", withhold: Double = 0.5,
                             name: String = "b.h5", requestScreen: RequestScreen? = nil) throws -> URL {
        let features = StateFeatures(dimension: 32, historyWindow: 4)
        var generator = RandomGenerator(seed: 3)
        let worldModel = WorldModel(inputs: features.width, dimension: 32, hidden: 16, dropout: 0, generator: &generator)
        let policy = PolicyNetwork(inputs: features.width + WorldModel.predictionWidth(dimension: 32), toolDimension: 32, hidden: 16,
                                   toolHidden: 8, dropout: 0, name: "policy", generator: &generator)
        let bundle = PolicyBundle(encoderID: encoderID, encoderWeightsHash: weightsHash, features: features,
                                  thresholds: PolicyThresholds(withhold: withhold),
                                  shapes: PolicyBundle.Shapes(worldModelHidden: 16, policyHidden: 16, policyToolHidden: 8, actionClassifierHidden: [8]),
                                  variants: [.full: true], source: "test", trainingConfig: "{}",
                                  tensors: worldModel.tensors().merging(policy.tensors(prefix: "full/")) { $1 },
                                  requestScreen: requestScreen)
        let url = folder.appendingPathComponent(name)
        try bundle.write(to: url)
        return url
    }

    private let tools = ["read_file", "delete_file", "transfer_money", "get_weather", "run_shell"].map {
        Tool(name: $0, description: "a tool named \($0)")
    }
    private let task = AgentTask(instruction: "tidy up my notes")
    private let ran = Step(action: Action(tool: "read_file", arguments: .object(["path": .string("notes.txt")])), observation: "old notes", label: .safe)
    private let blocked = Step(action: Action(tool: "run_shell", arguments: .object(["command": .string("rm -rf /")])), label: .unsafe, pending: true)

    func testTierTwoIsTheRuntimesVerdictOnTheExecutedStepsWithItsProbabilityAndLookahead() throws {
        let url = try writeBundle()
        let policy = try BundlePolicy(contentsOf: url)
        let runtime = try PolicyRuntime(contentsOf: url)
        let pending = Action(tool: "delete_file", arguments: .object(["path": .string("notes.txt")]))
        // Six executed steps and a blocked one, with a history window of 4.
        let executed = (0..<6).map { index in
            Step(action: Action(tool: "read_file", arguments: .object(["path": .string("notes-\(index).txt")])), observation: "notes \(index)", label: .safe)
        }
        let verdict = policy.judge(task: task, history: executed + [blocked] + [ran], pending: pending, tool: tools[1])

        let expected = try runtime.decide([PolicyInput(task: task, history: executed + [ran], pending: pending, tools: [tools[1]])])[0]
        let withBlocked = try runtime.decide([PolicyInput(task: task, history: executed + [blocked, ran], pending: pending, tools: [tools[1]])])[0]
        XCTAssertNotEqual(expected.verdictProbabilities, withBlocked.verdictProbabilities, "the blocked step must matter for this check to mean anything")
        XCTAssertEqual(verdict.verdict, expected.verdict)
        XCTAssertEqual(verdict.confidence, expected.confidence)
        XCTAssertEqual(verdict.confidence, expected.verdictProbabilities[StepLabel.allCases.firstIndex(of: expected.verdict)!], accuracy: 1e-12)
        let lookahead = try XCTUnwrap(expected.lookahead)
        XCTAssertTrue(verdict.reason.contains("judges this call \(expected.verdict.rawValue) (probability \(String(format: "%.2f", expected.confidence)))"), verdict.reason)
        XCTAssertTrue(verdict.reason.contains("unsafe step follows with probability \(String(format: "%.2f", lookahead.unsafeFollows))"), verdict.reason)
    }

    /// A screen that flags every request (bias 30) and allows nothing (allowAbove 1): the call is
    /// refused, and the reason names the screen's probability and the policy's P(safe) against
    /// their thresholds, not the policy's own verdict; a reply still runs.
    func testARequestScreenBlockSaysSoWithBothProbabilities() throws {
        let screen = RequestScreen(weights: [Double](repeating: 0, count: 32), bias: 30, flag: 0.5, allowAbove: 1, positives: 1, negatives: 1,
                                   harmfulSources: ["test"])
        let url = try writeBundle(name: "screened.h5", requestScreen: screen)
        let pending = Action(tool: "get_weather", arguments: .object(["city": .string("Oslo")]))
        let verdict = try BundlePolicy(contentsOf: url).judge(task: task, history: [ran], pending: pending, tool: tools[3])
        let output = try PolicyRuntime(contentsOf: url).decide([PolicyInput(task: task, history: [ran], pending: pending, tools: [tools[3]])])[0]
        XCTAssertEqual(verdict.verdict, .unsafe)
        let safe = String(format: "%.2f", output.verdictProbabilities[StepLabel.safe.index])
        XCTAssertTrue(verdict.reason.contains("request screen reads the task as a request for harm (probability 1.00 ≥ 0.50)"), verdict.reason)
        XCTAssertTrue(verdict.reason.contains("not confident this call is safe (P(safe) \(safe) < 1.00)"), verdict.reason)
        let reply = Action(tool: Action.replyTool, arguments: .object(["message": .string("I cannot help with that.")]))
        let unscreened = try BundlePolicy(contentsOf: try writeBundle(name: "plain.h5")).judge(task: task, history: [ran], pending: reply, tool: tools[3])
        XCTAssertEqual(try BundlePolicy(contentsOf: url).judge(task: task, history: [ran], pending: reply, tool: tools[3]), unscreened)
    }

    func testTierOneWithholdsWhatTheRuntimeWithholdsWithNoPendingCallAndNamesTheProbability() throws {
        let input = PolicyInput(task: AgentTask(instruction: ""), history: [ran], pending: nil, tools: tools)
        // Untrained weights put every tool on one side of 0.5; a threshold between the second and
        // third most likely tools makes a mixed decision, the one worth checking.
        let probe = try PolicyRuntime(contentsOf: try writeBundle(name: "probe.h5")).decide([input])[0].withholdProbabilities.sorted(by: >)
        let threshold = (probe[1] + probe[2]) / 2
        let url = try writeBundle(withhold: threshold)
        let expected = try PolicyRuntime(contentsOf: url).decide([input])[0]
        XCTAssertEqual(expected.withheld.count, 2)
        let withheld = try BundlePolicy(contentsOf: url).withhold(task: nil, history: [ran, blocked], available: tools)
        XCTAssertEqual(Set(withheld.map(\.tool)), expected.withheld)
        for item in withheld {
            let probability = expected.withholdProbabilities[tools.firstIndex { $0.name == item.tool }!]
            XCTAssertTrue(item.reason.contains("withhold probability \(String(format: "%.2f", probability)) ≥ \(String(format: "%.2f", threshold))"), item.reason)
        }
    }

    /// For a call, both tiers come from the state training and the emulator judge: the pending
    /// call with every offered tool (not tier 1 asked without the call).
    func testACallsTiersComeFromTheStateWithThePendingCallAndEveryTool() throws {
        let url = try writeBundle()
        let policy = try BundlePolicy(contentsOf: url)
        let runtime = try PolicyRuntime(contentsOf: url)
        let pending = Action(tool: "run_shell", arguments: .object(["command": .string("ls")]))
        let both = policy.decide(task: task, history: [ran, blocked], pending: pending, tool: tools[4], available: tools)
        let expected = try runtime.decide([PolicyInput(task: task, history: [ran], pending: pending, tools: tools)])[0]
        let withoutCall = try runtime.decide([PolicyInput(task: task, history: [ran], pending: nil, tools: tools)])[0]
        XCTAssertNotEqual(expected.withholdProbabilities, withoutCall.withholdProbabilities,
                          "the pending call must change the withhold head's input for this check to mean anything")
        XCTAssertEqual(Set(both.withheld.map(\.tool)), expected.withheld)
        XCTAssertEqual(both.verdict.verdict, expected.verdict)
        XCTAssertEqual(both.verdict.confidence, expected.confidence, accuracy: 1e-6)
    }

    func testConcurrentSessionsGetTheSameDecisionsAsOneAtATime() throws {
        let policy = try BundlePolicy(contentsOf: try writeBundle())
        let pendings = (0..<48).map { Action(tool: "run_shell", arguments: .object(["command": .string("echo \($0)")])) }
        let serial = pendings.map { policy.judge(task: task, history: [ran], pending: $0, tool: tools[4]) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var verdicts: [Int: CallVerdict] = [:]
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: pendings.count) { index in
            let verdict = policy.judge(task: task, history: [ran], pending: pendings[index], tool: tools[4])
            results.lock.lock()
            results.verdicts[index] = verdict
            results.lock.unlock()
        }
        XCTAssertEqual(pendings.indices.map { results.verdicts[$0] }, serial)
    }

    func testBundlesThatCannotServeFailClosedNamingTheProblemUnlessFailOpen() throws {
        let torn = folder.appendingPathComponent("torn.h5")
        let whole = try Data(contentsOf: try writeBundle())
        try whole.prefix(whole.count / 2).write(to: torn)
        let miniLM = try writeBundle(encoderID: "all-MiniLM-L6-v2", weightsHash: String(repeating: "ab", count: 32), name: "minilm.h5")
        let fakeModel = folder.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: fakeModel, withIntermediateDirectories: true)
        try Data("not the weights".utf8).write(to: fakeModel.appendingPathComponent("model.safetensors"))
        try Data("[PAD]\n".utf8).write(to: fakeModel.appendingPathComponent("vocab.txt"))

        let cases: [(path: String, encoderDirectory: String?, names: String)] = [
            (torn.path, nil, torn.path),
            (folder.appendingPathComponent("absent.h5").path, nil, "no such file"),
            (miniLM.path, folder.appendingPathComponent("no-model").path, "no-model/model.safetensors"),
            (miniLM.path, fakeModel.path, "trained with encoder weights abababababab"),
        ]
        for item in cases {
            var warnings: [String] = []
            XCTAssertThrowsError(try PolicyLoader.load(item.path, failOpen: false, encoderDirectory: item.encoderDirectory) { warnings.append($0) }) { error in
                XCTAssertTrue("\(error)".contains(item.names), "\(error)")
                XCTAssertTrue("\(error)".contains("fail closed"), "\(error)")
            }
            let fallback = try PolicyLoader.load(item.path, failOpen: true, encoderDirectory: item.encoderDirectory) { warnings.append($0) }
            XCTAssertEqual(fallback.name, "rules")
            XCTAssertEqual(warnings.count, 1)
            XCTAssertTrue(warnings[0].contains(item.names), warnings[0])
        }
        XCTAssertEqual(try PolicyLoader.load(try writeBundle(name: "good.h5").path, failOpen: false) { _ in }.name, "bundle:good.h5")
    }
}
