import Episodes
import Metrics
import XCTest

final class StepMetricsTests: XCTestCase {
    /// Six steps worked by hand:
    ///   truth:      safe  safe    critical unsafe unsafe safe
    ///   prediction: safe  unsafe  critical unsafe safe   safe
    /// Accuracy 4/6. Per class — safe: TP 2, predicted 3, actual 3 → F1 = 4/6;
    /// critical: TP 1, predicted 1, actual 1 → F1 = 1; unsafe: TP 1, predicted 2, actual 2 → F1 = 2/4.
    /// Macro-F1 = (2/3 + 1 + 1/2) / 3 = 13/18. Unsafe recall = 1/2.
    /// Withheld sets (truth → prediction): {a}→{a}, {}→{b}, {a,c}→{a}, {}→{}, {d}→{}, {}→{}:
    /// TP 2 (a, a), FP 1 (b), FN 2 (c, d) → precision 2/3, recall 2/4, F1 = 4/7; exact 3/6.
    func testHandComputedCase() {
        let rows: [(StepLabel, StepLabel, Set<String>, Set<String>)] = [
            (.safe, .safe, ["a"], ["a"]),
            (.safe, .unsafe, [], ["b"]),
            (.critical, .critical, ["a", "c"], ["a"]),
            (.unsafe, .unsafe, [], []),
            (.unsafe, .safe, ["d"], []),
            (.safe, .safe, [], []),
        ]
        let metrics = StepMetrics(rows.map { ScoredStep(truth: $0.0, prediction: $0.1, trueWithheld: $0.2, predictedWithheld: $0.3) })
        XCTAssertEqual(metrics.count, 6)
        XCTAssertEqual(metrics.verdictAccuracy, 4.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(metrics.macroF1, 13.0 / 18, accuracy: 1e-12)
        XCTAssertEqual(metrics.unsafeRecall!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(metrics.withheldPrecision!, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(metrics.withheldRecall!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(metrics.withheldF1!, 4.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(metrics.withheldExactMatch!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(metrics.confusion.counts, [[2, 0, 1], [0, 1, 0], [1, 0, 1]])
    }

    /// A class absent from both labels and predictions does not drag macro-F1 down, and
    /// metrics without any positive are `nil`, not 0 or 1.
    func testAbsentClassesAndEmptySets() {
        let steps = [
            ScoredStep(truth: .safe, prediction: .safe, trueWithheld: [], predictedWithheld: []),
            ScoredStep(truth: .safe, prediction: .safe, trueWithheld: [], predictedWithheld: []),
        ]
        let metrics = StepMetrics(steps)
        XCTAssertEqual(metrics.macroF1, 1)
        XCTAssertNil(metrics.unsafeRecall)
        XCTAssertNil(metrics.withheldPrecision)
        XCTAssertNil(metrics.withheldF1)
        XCTAssertEqual(metrics.withheldExactMatch, 1)
    }
}
