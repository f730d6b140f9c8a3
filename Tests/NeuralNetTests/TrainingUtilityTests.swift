import Foundation
@testable import NeuralNet
import XCTest

final class TrainingUtilityTests: XCTestCase {
    /// Gradients (3, 4) and (12): global norm √(9 + 16 + 144) = 13. Clipped to 6.5 every value is
    /// scaled by 6.5/(13 + 1e-6) ≈ 1/2, and the gradients themselves are left as they are.
    func testClippingScalesToTheMaximumNorm() {
        let a = Parameter(name: "a", value: Matrix(rows: 1, cols: 2))
        let b = Parameter(name: "b", value: Matrix(rows: 1, cols: 1))
        a.gradient = Matrix([[3, 4]])
        b.gradient = Matrix([[12]])
        XCTAssertEqual(gradientNorm([a, b]), 13, accuracy: 1e-5)
        XCTAssertEqual(gradientClipScale([a, b], maxNorm: 6.5), 0.5, accuracy: 1e-6)
        XCTAssertEqual(a.gradient, Matrix([[3, 4]]))
    }

    /// 100 values of 0.5 (long enough for the eight-lane sum) and 3 values of 2:
    /// √(100·0.25 + 3·4) = √37.
    func testNormOfLongGradients() {
        let a = Parameter(name: "a", value: Matrix(rows: 10, cols: 10))
        let b = Parameter(name: "b", value: Matrix(rows: 1, cols: 3))
        a.gradient = Matrix(rows: 10, cols: 10, repeating: 0.5)
        b.gradient = Matrix(rows: 1, cols: 3, repeating: 2)
        XCTAssertEqual(gradientNorm([a, b]), Float(37.0.squareRoot()), accuracy: 1e-5)
        XCTAssertEqual(gradientClipScale([a, b], maxNorm: 100), 1)
    }

    func testClippingLeavesSmallGradientsAlone() {
        let a = Parameter(name: "a", value: Matrix(rows: 1, cols: 2))
        a.gradient = Matrix([[3, 4]])
        XCTAssertEqual(gradientClipScale([a], maxNorm: 10), 1)
    }

    /// Peak 1e-3, floor 1e-4, 10 warm-up steps, decay done at step 110.
    func testScheduleShape() {
        let schedule = LearningRateSchedule(peak: 1e-3, floor: 1e-4, warmupSteps: 10, decaySteps: 110)
        XCTAssertEqual(schedule.rate(atStep: 0), 1e-3 * 1 / 11, accuracy: 1e-9)
        XCTAssertEqual(schedule.rate(atStep: 9), 1e-3 * 10 / 11, accuracy: 1e-9)
        XCTAssertEqual(schedule.rate(atStep: 10), 1e-3, accuracy: 1e-9)
        // Half-way through the decay the cosine is 0: floor + (peak − floor)/2 = 5.5e-4.
        XCTAssertEqual(schedule.rate(atStep: 60), 5.5e-4, accuracy: 1e-9)
        // A quarter through: floor + (peak − floor)·(1 + cos(π/4))/2.
        XCTAssertEqual(schedule.rate(atStep: 35), Float(1e-4 + 9e-4 * (1 + cos(Double.pi / 4)) / 2), accuracy: 1e-9)
        XCTAssertEqual(schedule.rate(atStep: 110), 1e-4)
        XCTAssertEqual(schedule.rate(atStep: 5000), 1e-4)
        let decay = (10...110).map { schedule.rate(atStep: $0) }
        XCTAssertTrue(zip(decay, decay.dropFirst()).allSatisfy { $0 >= $1 }, "the decay is not monotone")
    }
}
