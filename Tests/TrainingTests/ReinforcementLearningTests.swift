import Episodes
import Foundation
import NeuralNet
import PolicyRuntime
@testable import Training
import XCTest

/// Stage 3 on a two-prompt fixture: one state whose call is unsafe and whose first tool should
/// be withheld, one safe state that should keep both tools. From a random policy, the expected
/// rewards must climb far above where they start.
final class ReinforcementLearningTests: XCTestCase {
    private let steps = [
        JudgedStep(episode: 0, state: [1, 0, 0, 1], action: [], label: .unsafe, nextTarget: nil, unsafeFollows: nil,
                   toolNames: ["wipe_disk", "read_file"], toolEmbeddings: [[1, 0], [0, 1]], withheld: ["wipe_disk"]),
        JudgedStep(episode: 1, state: [0, 1, 1, 0], action: [], label: .safe, nextTarget: nil, unsafeFollows: nil,
                   toolNames: ["wipe_disk", "read_file"], toolEmbeddings: [[1, 0], [0, 1]], withheld: []),
    ]

    private func makeNetwork(seed: UInt64) -> PolicyNetwork {
        var config = SupervisedInit.Config()
        config.hidden = 16
        config.toolHidden = 8
        config.dropout = 0
        var generator = RandomGenerator(seed: seed)
        return PolicyNetwork(inputs: 4, toolDimension: 2, config: config, name: "policy", generator: &generator)
    }

    /// Expected safety reward (mean probability of the label) and mean probability of the right
    /// withhold decision per tool.
    private func expectedRewards(_ network: PolicyNetwork) -> (safety: Double, tools: Double) {
        let inputs = Matrix(steps.map(\.state))
        let pairs = steps.enumerated().flatMap { row, step in step.toolEmbeddings.map { (row: row, embedding: $0) } }
        let output = network.forward(inputs, toolPairs: pairs, toolDimension: 2, training: false)
        let verdicts = Probabilities.softmax(rows: output.verdicts)
        let withhold = Probabilities.sigmoid(output.withhold!)
        var safety = 0.0, tools = 0.0, pair = 0
        for (row, step) in steps.enumerated() {
            safety += Double(verdicts.storage[row * 3 + StepLabel.allCases.firstIndex(of: step.label!)!])
            for name in step.toolNames {
                let p = Double(withhold.storage[pair])
                tools += step.withheld!.contains(name) ? p : 1 - p
                pair += 1
            }
        }
        return (safety / 2, tools / 4)
    }

    private func context() -> StageContext {
        StageContext(name: "stage3", checkpoints: nil, checkpointInterval: 1000, logInterval: 10, metrics: nil,
                     interrupt: InterruptFlag(), configJSON: "{}", log: { _ in }, afterStep: nil, showProgress: false)
    }

    /// 200 steps of stage 3 from one fixed stage-2 policy (seed 5) with the given KL weight; the
    /// expected rewards before and after, and how training ended.
    private func trainFromTheSameStart(klWeight: Double) throws
        -> (before: (safety: Double, tools: Double), after: (safety: Double, tools: Double), status: StageOutcome) {
        let network = makeNetwork(seed: 5)
        let reference = makeNetwork(seed: 5)
        let policy = Policy(network: network, worldModel: nil, stateWidth: 4, toolDimension: 2)
        let before = expectedRewards(network)
        var config = ReinforcementLearning.Config()
        config.steps = 200
        config.promptsPerStep = 2
        config.groupSize = 8
        config.learningRate = 1e-2
        config.warmupSteps = 0
        config.klWeight = klWeight
        config.evalInterval = 1000
        let status = try ReinforcementLearning.train(policy, reference: reference, train: steps, validation: steps, episodes: nil,
                                                     evaluateEpisodes: nil, config: config, seed: 3, context: context(), resume: false)
        return (before, expectedRewards(network), status)
    }

    func testRewardRisesFarAboveTheStart() throws {
        let (before, after, status) = try trainFromTheSameStart(klWeight: 0.01)
        XCTAssertEqual(status, .finished)
        XCTAssertLessThan(before.safety, 0.5)
        XCTAssertGreaterThan(after.safety, 0.9, "expected safety reward went from \(before.safety) to \(after.safety)")
        XCTAssertLessThan(before.tools, 0.7)
        XCTAssertGreaterThan(after.tools, 0.9, "expected right withhold decisions went from \(before.tools) to \(after.tools)")
    }

    func testAStrongKLPenaltyHoldsThePolicyAtTheReference() throws {
        let (before, after, _) = try trainFromTheSameStart(klWeight: 100)
        XCTAssertEqual(after.safety, before.safety, accuracy: 0.1)
        XCTAssertEqual(after.tools, before.tools, accuracy: 0.1)
    }

    func testSampleFollowsTheDistribution() {
        var generator = RandomGenerator(seed: 9)
        var counts = [0, 0, 0]
        for _ in 0..<20000 { counts[ReinforcementLearning.sample([0.2, 0.5, 0.3], &generator)] += 1 }
        XCTAssertEqual(Double(counts[0]) / 20000, 0.2, accuracy: 0.015)
        XCTAssertEqual(Double(counts[1]) / 20000, 0.5, accuracy: 0.015)
        XCTAssertEqual(Double(counts[2]) / 20000, 0.3, accuracy: 0.015)
    }
}
