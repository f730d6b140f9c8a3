import Foundation
import Training
import XCTest

final class PolicyGradientTests: XCTestCase {
    func testGroupRelativeAdvantagesOnAHandCase() {
        // Mean 2, population standard deviation √(2/3).
        let advantages = PolicyGradient.groupRelativeAdvantages([1, 2, 3], epsilon: 0)
        let expected = [-1.224744871391589, 0, 1.224744871391589]
        for (value, target) in zip(advantages, expected) { XCTAssertEqual(value, target, accuracy: 1e-12) }
    }

    func testEqualRewardsCarryNoAdvantage() {
        XCTAssertEqual(PolicyGradient.groupRelativeAdvantages([0.7, 0.7, 0.7]), [0, 0, 0])
        XCTAssertEqual(PolicyGradient.groupRelativeAdvantages([]), [])
    }

    func testKLOfIdenticalPoliciesIsZero() {
        for p in [0.01, 0.3, 0.99] {
            XCTAssertEqual(PolicyGradient.klEstimate(logProbability: log(p), referenceLogProbability: log(p)), 0, accuracy: 1e-15)
        }
        XCTAssertEqual(PolicyGradient.categoricalKL([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 0, accuracy: 1e-15)
    }

    func testCategoricalKLOnAHandCase() {
        // 0.5·ln(0.5/0.9) + 0.5·ln(0.5/0.1)
        XCTAssertEqual(PolicyGradient.categoricalKL([0.5, 0.5], [0.9, 0.1]), 0.5108256237659907, accuracy: 1e-12)
    }

    func testEstimatorExpectationIsTheExactKL() {
        // A Bernoulli policy p = 0.5 against the reference q = 0.9: the estimator averaged over
        // both outcomes under p is KL(p ‖ q), the hand case above.
        let p = [0.5, 0.5], q = [0.9, 0.1]
        let expectation = zip(p, q).reduce(0) { $0 + $1.0 * PolicyGradient.klEstimate(logProbability: log($1.0), referenceLogProbability: log($1.1)) }
        XCTAssertEqual(expectation, 0.5108256237659907, accuracy: 1e-12)
        let p3 = [0.2, 0.3, 0.5], q3 = [0.6, 0.3, 0.1]
        let expectation3 = zip(p3, q3).reduce(0) { $0 + $1.0 * PolicyGradient.klEstimate(logProbability: log($1.0), referenceLogProbability: log($1.1)) }
        // 0.2·ln(0.2/0.6) + 0.5·ln(0.5/0.1)
        XCTAssertEqual(expectation3, 0.2 * log(1.0 / 3.0) + 0.5 * log(5.0), accuracy: 1e-12)
    }

    private func softmax(_ logits: [Double]) -> [Double] {
        let exps = logits.map { exp($0) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    func testSampleLossGradientMatchesFiniteDifferences() {
        let logits = [0.3, -1.2, 0.8], reference = softmax([1.0, 0.1, -0.5])
        let action = 1, advantage = 0.7, beta = 0.4
        func loss(_ z: [Double]) -> Double {
            let p = softmax(z)
            return -advantage * log(p[action]) + beta * (reference[action] / p[action] - log(reference[action] / p[action]) - 1)
        }
        let analytic = PolicyGradient.sampleLossGradient(probabilities: softmax(logits), referenceProbabilities: reference,
                                                         action: action, advantage: advantage, klWeight: beta)
        let h = 1e-6
        for i in logits.indices {
            var plus = logits, minus = logits
            plus[i] += h
            minus[i] -= h
            XCTAssertEqual(analytic[i], (loss(plus) - loss(minus)) / (2 * h), accuracy: 1e-7)
        }
    }

    func testBernoulliLossGradientMatchesFiniteDifferences() {
        let q = 0.8, beta = 0.3
        for (z, taken, advantage) in [(0.4, true, -0.5), (-1.1, false, 1.3)] {
            func loss(_ z: Double) -> Double {
                let p = 1 / (1 + exp(-z))
                let pa = taken ? p : 1 - p, qa = taken ? q : 1 - q
                return -advantage * log(pa) + beta * (qa / pa - log(qa / pa) - 1)
            }
            let analytic = PolicyGradient.bernoulliLossGradient(probability: 1 / (1 + exp(-z)), referenceProbability: q,
                                                                taken: taken, advantage: advantage, klWeight: beta)
            let h = 1e-6
            XCTAssertEqual(analytic, (loss(z + h) - loss(z - h)) / (2 * h), accuracy: 1e-7)
        }
    }
}
