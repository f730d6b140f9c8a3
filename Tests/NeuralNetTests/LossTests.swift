import Foundation
import NeuralNet
import XCTest

/// Each loss: its gradient against central finite differences (bound in `GradientCheck`) and its
/// value against a figure worked out by hand.
final class LossTests: XCTestCase {
    var generator = RandomGenerator(seed: 3)

    func checkGradient(_ input: Matrix, label: String, evaluate: (Matrix) -> (loss: Float, gradient: Matrix)) {
        let x = Parameter(name: "input", value: input)
        let analytic = evaluate(input).gradient.storage
        let numeric = GradientCheck.numericGradient(of: x) { Double(evaluate(x.value).loss) }
        GradientCheck.assertClose(analytic, numeric, label)
    }

    func testWeightedCrossEntropyGradient() {
        let loss = SoftmaxCrossEntropy(classWeights: [0.5, 2, 1])
        let targets = [0, 1, 2, 1, 0]
        checkGradient(.randomNormal(rows: 5, cols: 3, standardDeviation: 2, using: &generator), label: "cross-entropy") {
            loss.evaluate(logits: $0, targets: targets)
        }
    }

    /// Row 1: logits (0, ln 3) → p = (1/4, 3/4), target 1, nll = −ln(3/4), weight 2.
    /// Row 2: logits (0, 0) → p = (1/2, 1/2), target 0, nll = ln 2, weight 1.
    /// PyTorch's weighted mean: (2·(−ln 0.75) + 1·ln 2) / (2 + 1).
    func testWeightedCrossEntropyValue() {
        let loss = SoftmaxCrossEntropy(classWeights: [1, 2])
        let result = loss.evaluate(logits: Matrix([[0, Float(log(3.0))], [0, 0]]), targets: [1, 0])
        XCTAssertEqual(Double(result.loss), (2 * -log(0.75) + log(2)) / 3, accuracy: 1e-6)
        // Gradient row 1: w·(p − onehot)/Σw = 2·(1/4, −1/4)/3.
        XCTAssertEqual(result.gradient[0, 0], 2 * 0.25 / 3, accuracy: 1e-6)
        XCTAssertEqual(result.gradient[0, 1], -2 * 0.25 / 3, accuracy: 1e-6)
        XCTAssertEqual(result.gradient[1, 0], -0.5 / 3, accuracy: 1e-6)
    }

    func testCrossEntropyIsStableForLargeLogits() {
        let result = SoftmaxCrossEntropy().evaluate(logits: Matrix([[1000, 0, -1000]]), targets: [1])
        XCTAssertEqual(result.loss, 1000, accuracy: 1e-3)
    }

    func testBinaryCrossEntropyGradient() {
        let loss = BinaryCrossEntropyWithLogits(positiveWeights: [1, 3, 0.5, 2])
        let targets = Matrix([[1, 0, 1, 0.25], [0, 1, 1, 0], [1, 1, 0, 0.75]])
        checkGradient(.randomNormal(rows: 3, cols: 4, standardDeviation: 2, using: &generator), label: "BCE") {
            loss.evaluate(logits: $0, targets: targets)
        }
    }

    /// Positive weights (3, 1, 1). x = 0, y = 1: 3·(−ln σ(0)) = 3·ln 2. x = 100, y = 0:
    /// −ln(1 − σ(100)) = softplus(100) = 100 + ln(1 + e^−100) ≈ 100 (a naive log(1 − σ) is −inf
    /// in Float). x = −100, y = 1: −ln σ(−100) = softplus(100) ≈ 100. The loss is their mean.
    /// Gradients: (−3·(1 − 1/2), σ(100), −(1 − σ(−100)))/3 ≈ (−1.5, 1, −1)/3.
    func testBinaryCrossEntropyValueAndStability() {
        let loss = BinaryCrossEntropyWithLogits(positiveWeights: [3, 1, 1])
        let result = loss.evaluate(logits: Matrix([[0, 100, -100]]), targets: Matrix([[1, 0, 1]]))
        XCTAssertEqual(Double(result.loss), (3 * log(2) + 100 + 100) / 3, accuracy: 1e-4)
        XCTAssertEqual(result.gradient[0, 0], -3 * 0.5 / 3, accuracy: 1e-6)
        XCTAssertEqual(result.gradient[0, 1], 1.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(result.gradient[0, 2], -1.0 / 3, accuracy: 1e-6)
    }

    func testCosineLossGradient() {
        let loss = CosineLoss()
        let targets = Matrix.randomNormal(rows: 4, cols: 5, using: &generator)
        checkGradient(.randomNormal(rows: 4, cols: 5, using: &generator), label: "cosine") {
            loss.evaluate(predictions: $0, targets: targets)
        }
    }

    /// Row 1 parallel (cos 1, loss 0), row 2 orthogonal (loss 1), row 3 at 60°:
    /// (1, 0)·(1/2, √3/2) = 1/2, loss 1/2. Mean (0 + 1 + 0.5)/3 = 0.5.
    func testCosineLossValue() {
        let result = CosineLoss().evaluate(
            predictions: Matrix([[2, 0], [0, 3], [1, 0]]),
            targets: Matrix([[5, 0], [1, 0], [0.5, Float(3.0.squareRoot() / 2)]]))
        XCTAssertEqual(result.loss, 0.5, accuracy: 1e-6)
    }
}
