import Foundation
import NeuralNet
import XCTest

final class ActivationTests: XCTestCase {
    /// The vectorisable erf against libm's double erf on a fine grid over [−6, 6].
    func testErfMatchesLibm() {
        var worst: Double = 0
        for i in -6000...6000 {
            let x = Float(i) / 1000
            worst = max(worst, abs(Double(FastMath.erf(x)) - erf(Double(x))))
        }
        XCTAssertLessThan(worst, 4e-7)
    }

    /// The vectorisable exp against libm's double exp, relative error, over [−87, 88].
    func testExpMatchesLibm() {
        var worst: Double = 0
        for i in -8700...8800 {
            let x = Float(i) / 100
            let reference = exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - reference) / reference)
        }
        XCTAssertLessThan(worst, 1.5e-7)
        XCTAssertEqual(FastMath.exp(-100), 0)
        XCTAssertEqual(FastMath.exp(0), 1)
    }

    /// GELU's forward against 0.5·x·(1 + erf(x/√2)) in Double, in training and inference.
    func testGELUValues() {
        let xs: [Float] = [-5, -2, -0.5, 0, 0.3, 1, 2.5, 7]
        let input = Matrix(rows: 1, cols: xs.count, storage: xs)
        let layer = GELU()
        for training in [false, true] {
            let output = layer.forward(input, training: training)
            for (x, y) in zip(xs, output.storage) {
                let exact = 0.5 * Double(x) * (1 + erf(Double(x) / 2.0.squareRoot()))
                XCTAssertEqual(Double(y), exact, accuracy: 2e-6, "GELU(\(x))")
            }
        }
    }

    func testDropoutIsIdentityAtInference() {
        let dropout = Dropout(probability: 0.5, generator: RandomGenerator(seed: 1))
        let input = Matrix([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(dropout.forward(input, training: false), input)
    }

    /// p = 0.25: about a quarter of 40 000 values dropped (standard deviation ≈ 87), the rest
    /// scaled by 1/(1 − 0.25) = 4/3, so the mean is preserved.
    func testDropoutDropsAtTheRateAndRescales() {
        let dropout = Dropout(probability: 0.25, generator: RandomGenerator(seed: 2))
        let output = dropout.forward(Matrix(rows: 200, cols: 200, repeating: 1), training: true)
        let zeros = output.storage.filter { $0 == 0 }.count
        XCTAssertEqual(Double(zeros), 10_000, accuracy: 450)
        XCTAssertTrue(output.storage.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3) < 1e-6 })
    }

    func testLayerNormNormalisesRows() {
        let layer = LayerNorm(name: "norm", width: 4)
        let output = layer.forward(Matrix([[1, 2, 3, 4], [10, 10, 10, 14]]), training: false)
        // Row 1: mean 2.5, biased variance 1.25: (x − 2.5)/√(1.25 + 1e-5).
        let sigma = (1.25 + 1e-5).squareRoot()
        XCTAssertEqual(Double(output[0, 0]), -1.5 / sigma, accuracy: 1e-5)
        XCTAssertEqual(Double(output[0, 3]), 1.5 / sigma, accuracy: 1e-5)
        // Row 2: mean 11, variance 3: (14 − 11)/√3.
        XCTAssertEqual(Double(output[1, 3]), 3 / (3 + 1e-5).squareRoot(), accuracy: 1e-5)
    }

    /// Training and inference take separate loops; they must give the same output.
    func testLayerNormModesAgree() {
        var generator = RandomGenerator(seed: 8)
        let layer = LayerNorm(name: "norm", width: 21)
        layer.weight.value = .randomNormal(rows: 1, cols: 21, using: &generator)
        layer.bias.value = .randomNormal(rows: 1, cols: 21, using: &generator)
        let input = Matrix.randomNormal(rows: 3, cols: 21, using: &generator)
        let inference = layer.forward(input, training: false)
        XCTAssertEqual(layer.forward(input, training: true), inference)
    }
}
