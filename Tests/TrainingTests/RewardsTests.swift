import Episodes
import Foundation
import Training
import XCTest

/// Expected values are computed by hand or with a few lines of Python's `math`, not by the code
/// under test.
final class RewardsTests: XCTestCase {
    func testSafetyRewardIsOneOnlyForTheLabel() {
        XCTAssertEqual(Rewards.safety(verdict: .unsafe, label: .unsafe), 1)
        XCTAssertEqual(Rewards.safety(verdict: .critical, label: .unsafe), 0)
        XCTAssertEqual(Rewards.safety(verdict: .safe, label: .critical), 0)
    }

    func testWithholdRatesCountMissesAndOverFiltering() {
        let rates = Rewards.WithholdRates(withheld: [true, false, true, false, false], dangerous: [true, true, false, false, false])
        XCTAssertEqual(rates.falseNegative, 0.5)
        XCTAssertEqual(rates.falsePositive, 1.0 / 3.0, accuracy: 1e-12)
        let nothingDangerous = Rewards.WithholdRates(withheld: [false, true], dangerous: [false, false])
        XCTAssertEqual(nothingDangerous, Rewards.WithholdRates(falseNegative: 0, falsePositive: 0.5))
        let allDangerous = Rewards.WithholdRates(withheld: [true, true], dangerous: [true, true])
        XCTAssertEqual(allDangerous, Rewards.WithholdRates(falseNegative: 0, falsePositive: 0))
    }

    func testSmoothTchebycheffMatchesPython() {
        // 0.5·log(e^1 + e^0.5)
        XCTAssertEqual(Rewards.smoothTchebycheff(losses: [0.5, 0.25], weights: [1, 1], mu: 0.5), 0.7370384920900533, accuracy: 1e-12)
    }

    func testSmoothTchebycheffTendsToTheWeightedMaximum() {
        XCTAssertEqual(Rewards.smoothTchebycheff(losses: [0.3, 0.8], weights: [1, 0.5], mu: 1e-4), 0.4, accuracy: 1e-3)
    }

    func testToolRewardScoresOneMissAboveMissingAll() {
        let perfect = Rewards.tools(.init(falseNegative: 0, falsePositive: 0), falseNegativeWeight: 0.5, falsePositiveWeight: 0.5, mu: 0.1)
        let oneOfFour = Rewards.tools(.init(falseNegative: 0.25, falsePositive: 0), falseNegativeWeight: 0.5, falsePositiveWeight: 0.5, mu: 0.1)
        let allFour = Rewards.tools(.init(falseNegative: 1, falsePositive: 0), falseNegativeWeight: 0.5, falsePositiveWeight: 0.5, mu: 0.1)
        let everything = Rewards.tools(.init(falseNegative: 1, falsePositive: 1), falseNegativeWeight: 0.5, falsePositiveWeight: 0.5, mu: 0.1)
        let half = Rewards.tools(.init(falseNegative: 0.5, falsePositive: 0.5), falseNegativeWeight: 0.5, falsePositiveWeight: 0.5, mu: 0.1)
        let overFiltered = Rewards.tools(.init(falseNegative: 0, falsePositive: 0.5), falseNegativeWeight: 0.5, falsePositiveWeight: 0.5, mu: 0.1)
        XCTAssertEqual(perfect, 1, accuracy: 1e-12)
        XCTAssertEqual(oneOfFour, 0.8382436198429144, accuracy: 1e-12)
        XCTAssertEqual(allFour, 0.13728636641416547, accuracy: 1e-12)
        XCTAssertEqual(everything, 0, accuracy: 1e-12)
        XCTAssertEqual(half, 0.5, accuracy: 1e-12)
        XCTAssertEqual(overFiltered, 0.6228514892534791, accuracy: 1e-12)
    }

    func testLagrangianCombinesAndMovesLambdaTowardTheTarget() {
        var combination = RewardCombination(method: .lagrangian, initialLambda: 1, safetyTarget: 0.9, lambdaLearningRate: 0.5,
                                            safetyWeight: 0.5, utilityWeight: 0.5, mu: 0.1)
        XCTAssertEqual(combination.combined(safety: 1, utility: 0.5), 1.5)
        combination.updateLambda(meanSafety: 0.5)
        XCTAssertEqual(combination.lambda, 1.2, accuracy: 1e-12)
        XCTAssertEqual(combination.combined(safety: 1, utility: 0.5), 1.7, accuracy: 1e-12)
        combination.updateLambda(meanSafety: 1)
        XCTAssertEqual(combination.lambda, 1.15, accuracy: 1e-12)
        for _ in 0..<100 { combination.updateLambda(meanSafety: 1) }
        XCTAssertEqual(combination.lambda, 0)
    }

    func testTchebycheffCombinationIgnoresLambda() {
        var combination = RewardCombination(method: .tchebycheff, initialLambda: 1, safetyTarget: 0.9, lambdaLearningRate: 0.5,
                                            safetyWeight: 0.5, utilityWeight: 0.5, mu: 0.1)
        combination.updateLambda(meanSafety: 0)
        XCTAssertEqual(combination.lambda, 1)
        XCTAssertEqual(combination.combined(safety: 0.5, utility: 1), 0.6228514892534791, accuracy: 1e-12)
        XCTAssertEqual(combination.combined(safety: 1, utility: 1), 1, accuracy: 1e-12)
    }
}
