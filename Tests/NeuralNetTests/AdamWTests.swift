@testable import NeuralNet
import XCTest

final class AdamWTests: XCTestCase {
    /// lr 0.1, β₁ 0.9, β₂ 0.999, ε 1e-8, λ 0.01; θ₀ = (1, −2).
    ///
    /// Step 1, g = (0.5, −1): decay θ·(1 − 0.1·0.01) = (0.999, −1.998);
    /// m = 0.1·g = (0.05, −0.1); v = 0.001·g² = (0.00025, 0.001);
    /// m̂ = m/0.1 = (0.5, −1); v̂ = v/0.001 = (0.25, 1); √v̂ = (0.5, 1);
    /// θ₁ = (0.999 − 0.1·0.5/0.5, −1.998 + 0.1·1/1) = (0.899, −1.898) (ε shifts the 9th digit).
    ///
    /// Step 2, g = (−0.25, 2): decay θ·0.999 = (0.898101, −1.896102);
    /// m = 0.9·(0.05, −0.1) + 0.1·(−0.25, 2) = (0.02, 0.11);
    /// v = 0.999·(0.00025, 0.001) + 0.001·(0.0625, 4) = (0.00031225, 0.004999);
    /// 1 − β₁² = 0.19, 1 − β₂² = 0.001999; m̂ = (0.105263158, 0.578947368);
    /// v̂ = (0.156203102, 2.500750375); √v̂ = (0.395225381, 1.581376102);
    /// θ₂ = (0.898101 − 0.1·0.105263158/0.395225381, −1.896102 − 0.1·0.578947368/1.581376102)
    ///    = (0.898101 − 0.026633299, −1.896102 − 0.036610353) = (0.871467701, −1.932712353).
    ///
    /// The parameter repeats (1, −2) over 11 values, so both the eight-lane loop and the
    /// element-by-element tail are checked.
    func testTwoStepsMatchTheFormulaByHand() {
        func alternating(_ even: Float, _ odd: Float) -> Matrix {
            Matrix(rows: 1, cols: 11, storage: (0..<11).map { $0 % 2 == 0 ? even : odd })
        }
        let parameter = Parameter(name: "w", value: alternating(1, -2))
        let optimizer = AdamW(parameters: [parameter], configuration: .init(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01))
        parameter.gradient = alternating(0.5, -1)
        optimizer.update(learningRate: 0.1)
        for (i, value) in parameter.value.storage.enumerated() {
            XCTAssertEqual(value, i % 2 == 0 ? 0.899 : -1.898, accuracy: 1e-6, "step 1, element \(i)")
        }
        parameter.gradient = alternating(-0.25, 2)
        optimizer.update(learningRate: 0.1)
        for (i, value) in parameter.value.storage.enumerated() {
            XCTAssertEqual(value, i % 2 == 0 ? 0.871467701 : -1.932712353, accuracy: 1e-6, "step 2, element \(i)")
        }
        XCTAssertEqual(optimizer.step, 2)
    }

    /// With a zero gradient Adam's step is 0/(0 + ε) = 0, so only the decoupled decay acts:
    /// θ·(1 − lr·λ) = 2·(1 − 0.5·0.1) = 1.9. With λ = 0 (plain Adam) θ stays 2.
    func testWeightDecayIsDecoupledFromTheGradient() {
        for (decay, expected) in [(Float(0.1), Float(1.9)), (0, 2)] {
            let parameter = Parameter(name: "w", value: Matrix([[2]]))
            let optimizer = AdamW(parameters: [parameter], configuration: .init(weightDecay: decay))
            optimizer.update(learningRate: 0.5)
            XCTAssertEqual(parameter.value[0, 0], expected, accuracy: 1e-7)
        }
    }

    /// Two parameters, one large enough to be split across threads, after two updates from
    /// `gradients`, with `BLASThreads.count` at `threads`; `separateClip` picks rewriting the gradients
    /// by the clip factor, then updating with scale 1 (true), or updating with gradientClipScale (false).
    private func valuesAfterTwoUpdates(threads: Int, separateClip: Bool) -> [Matrix] {
        var generator = RandomGenerator(seed: 5)
        let parameters = [
            Parameter(name: "large", value: .randomNormal(rows: 1, cols: ElementThreads.parallelCountMinimum + 13, using: &generator)),
            Parameter(name: "small", value: .randomNormal(rows: 3, cols: 7, using: &generator)),
        ]
        let optimizer = AdamW(parameters: parameters)
        let configured = BLASThreads.count
        BLASThreads.count = threads
        defer { BLASThreads.count = configured }
        for _ in 0..<2 {
            for parameter in parameters {
                parameter.gradient = .randomNormal(rows: parameter.value.rows, cols: parameter.value.cols, using: &generator)
            }
            if separateClip {
                let factor = gradientClipScale(parameters, maxNorm: 10)
                for parameter in parameters {
                    for i in parameter.gradient.storage.indices { parameter.gradient.storage[i] *= factor }
                }
                optimizer.update(learningRate: 0.01)
            } else {
                optimizer.update(learningRate: 0.01, gradientScale: gradientClipScale(parameters, maxNorm: 10))
            }
        }
        return parameters.map(\.value)
    }

    /// Random gradients of ~257 norm, so the clip to 10 scales them: applying the scale inside
    /// the update must give the very bits of rewriting the gradients first, on one thread or two.
    func testClipScaleInsideTheUpdateEqualsClippingFirstOnAnyThreadCount() {
        let reference = valuesAfterTwoUpdates(threads: 1, separateClip: true)
        XCTAssertEqual(valuesAfterTwoUpdates(threads: 1, separateClip: false), reference)
        XCTAssertEqual(valuesAfterTwoUpdates(threads: 2, separateClip: false), reference)
        XCTAssertEqual(valuesAfterTwoUpdates(threads: 2, separateClip: true), reference)
    }

    func testExportedStateResumesIdentically() throws {
        func makeRun() -> (Parameter, AdamW) {
            let parameter = Parameter(name: "layer.weight", value: Matrix([[0.3, -0.7, 1.1]]))
            return (parameter, AdamW(parameters: [parameter]))
        }
        let gradients = [Matrix([[0.1, 0.2, -0.3]]), Matrix([[-0.5, 0.4, 0.05]]), Matrix([[0.2, -0.1, 0.3]])]
        let (original, optimizer) = makeRun()
        original.gradient = gradients[0]
        optimizer.update(learningRate: 0.01)
        let saved = optimizer.exportState()
        XCTAssertEqual(Set(saved.keys), ["step", "layer.weight.exp_avg", "layer.weight.exp_avg_sq"])
        let savedValue = original.value
        for gradient in gradients.dropFirst() {
            original.gradient = gradient
            optimizer.update(learningRate: 0.01)
        }

        let (resumed, resumedOptimizer) = makeRun()
        resumed.value = savedValue
        try resumedOptimizer.importState(saved)
        for gradient in gradients.dropFirst() {
            resumed.gradient = gradient
            resumedOptimizer.update(learningRate: 0.01)
        }
        XCTAssertEqual(resumed.value, original.value)
        XCTAssertEqual(resumedOptimizer.step, 3)
    }

    func testImportRejectsMismatchedState() {
        let optimizer = AdamW(parameters: [Parameter(name: "w", value: Matrix([[1, 2]]))])
        XCTAssertThrowsError(try optimizer.importState(["step": [1], "w.exp_avg": [0, 0]])) { error in
            XCTAssertEqual("\(error)", "optimizer state has no array \"w.exp_avg_sq\"")
        }
        XCTAssertThrowsError(try optimizer.importState(["step": [1], "w.exp_avg": [0], "w.exp_avg_sq": [0, 0]]))
        XCTAssertThrowsError(try optimizer.importState(["step": [1.5], "w.exp_avg": [0, 0], "w.exp_avg_sq": [0, 0]]))
        XCTAssertEqual(optimizer.step, 0)
    }
}
