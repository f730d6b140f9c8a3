import Foundation
import NeuralNet
import XCTest

final class ProbabilitiesTests: XCTestCase {
    /// Row (0, ln 3): e⁰/(1 + 3) = 1/4 and 3/4. Row (1000, 1000): 1/2 each, without overflow.
    func testSoftmax() {
        let p = Probabilities.softmax(rows: Matrix([[0, Float(log(3.0))], [1000, 1000]]))
        XCTAssertEqual(p[0, 0], 0.25, accuracy: 1e-6)
        XCTAssertEqual(p[0, 1], 0.75, accuracy: 1e-6)
        XCTAssertEqual(p[1, 0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(p[1, 1], 0.5, accuracy: 1e-6)
    }

    /// σ(0) = 1/2, σ(ln 3) = 3/4, σ(−ln 3) = 1/4; ±100 saturate to 1 and a tiny positive value.
    func testSigmoid() {
        let p = Probabilities.sigmoid(Matrix([[0, Float(log(3.0)), -Float(log(3.0)), 100, -100]]))
        XCTAssertEqual(p[0, 0], 0.5, accuracy: 1e-7)
        XCTAssertEqual(p[0, 1], 0.75, accuracy: 1e-6)
        XCTAssertEqual(p[0, 2], 0.25, accuracy: 1e-6)
        XCTAssertEqual(p[0, 3], 1)
        XCTAssertEqual(Double(p[0, 4]), exp(-100.0), accuracy: 1e-44)
        XCTAssertGreaterThan(p[0, 4], 0)
    }

    /// The stable form in both precisions: the tail below the point where e^−x overflows is kept
    /// (σ(−100) in Float, σ(−720) in Double), where 1/(1 + e^−x) would give 0.
    func testScalarSigmoidInBothPrecisions() {
        XCTAssertGreaterThan(Probabilities.sigmoid(Float(-100)), 0)
        XCTAssertEqual(Probabilities.sigmoid(Float(-100)), Probabilities.sigmoid(Matrix([[-100]]))[0, 0])
        XCTAssertEqual(Probabilities.sigmoid(Float(100)), 1)
        XCTAssertEqual(Probabilities.sigmoid(-log(3.0)), 0.25, accuracy: 1e-15)
        XCTAssertEqual(Probabilities.sigmoid(log(3.0)), 0.75, accuracy: 1e-15)
        XCTAssertGreaterThan(Probabilities.sigmoid(-720.0), 0)
        XCTAssertEqual(Probabilities.sigmoid(720.0), 1)
    }
}
