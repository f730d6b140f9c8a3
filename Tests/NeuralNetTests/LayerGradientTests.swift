import NeuralNet
import XCTest

/// Every layer's backward pass against central finite differences (bound in `GradientCheck`).
final class LayerGradientTests: XCTestCase {
    var generator = RandomGenerator(seed: 7)

    /// Checks ∂(Σ r⊙y)/∂input and ∂/∂parameter for every parameter of `layer`.
    /// `prepareForward` runs before each forward (Dropout uses it to replay one mask).
    func checkLayer(_ layer: any Layer, input: Matrix, label: String, prepareForward: () -> Void = {}) {
        let x = Parameter(name: "input", value: input)
        prepareForward()
        let y = layer.forward(input, training: true)
        let upstream = Matrix.randomNormal(rows: y.rows, cols: y.cols, using: &generator)
        for parameter in layer.parameters { parameter.zeroGradient() }
        let inputGradient = layer.backward(upstream)

        func objective() -> Double {
            prepareForward()
            return GradientCheck.weightedSum(layer.forward(x.value, training: true), upstream)
        }
        let numericInput = GradientCheck.numericGradient(of: x, objective: objective)
        GradientCheck.assertClose(inputGradient.storage, numericInput, "\(label) input")
        for parameter in layer.parameters {
            let numeric = GradientCheck.numericGradient(of: parameter, objective: objective)
            GradientCheck.assertClose(parameter.gradient.storage, numeric, parameter.name)
        }
    }

    func testLinear() {
        let layer = Linear(name: "linear1", inputs: 5, outputs: 4, generator: &generator)
        checkLayer(layer, input: .randomNormal(rows: 3, cols: 5, using: &generator), label: "Linear")
    }

    func testLayerNorm() {
        // Width 19: two full groups of eight lanes and a partial one.
        let layer = LayerNorm(name: "norm1", width: 19, epsilon: 1e-5)
        // Non-trivial gain and shift, so their gradients and their effect on dx are exercised.
        layer.weight.value = .randomUniform(rows: 1, cols: 19, in: 0.5..<1.5, using: &generator)
        layer.bias.value = .randomNormal(rows: 1, cols: 19, using: &generator)
        checkLayer(layer, input: .randomNormal(rows: 3, cols: 19, using: &generator), label: "LayerNorm")
    }

    /// 20 values: two full groups of eight lanes and a partial one.
    func testGELU() {
        checkLayer(GELU(), input: .randomNormal(rows: 4, cols: 5, standardDeviation: 2, using: &generator), label: "GELU")
    }

    func testDropout() {
        let dropout = Dropout(probability: 0.3, generator: RandomGenerator(seed: 11))
        let start = dropout.generator
        // 35 values: the mask is drawn four at a time, so the last draw is partly used.
        checkLayer(dropout, input: .randomNormal(rows: 5, cols: 7, using: &generator), label: "Dropout") {
            dropout.generator = start
        }
    }

    /// The classifier shape the benchmark trains, checked end to end through `Sequential`
    /// (whose first layer takes the parameter-only backward).
    func testSequentialClassifier() {
        let model = Sequential.classifier(inputs: 6, hidden: [5, 4], classes: 3, generator: &generator)
        let dropouts = model.layers.compactMap { $0 as? Dropout }
        let starts = dropouts.map(\.generator)
        func replayMasks() { for (dropout, start) in zip(dropouts, starts) { dropout.generator = start } }
        let input = Matrix.randomNormal(rows: 4, cols: 6, using: &generator)
        let upstream = Matrix.randomNormal(rows: 4, cols: 3, using: &generator)

        replayMasks()
        _ = model.forward(input, training: true)
        model.zeroGradients()
        model.backward(upstream)
        for parameter in model.parameters {
            let numeric = GradientCheck.numericGradient(of: parameter) {
                replayMasks()
                return GradientCheck.weightedSum(model.forward(input, training: true), upstream)
            }
            GradientCheck.assertClose(parameter.gradient.storage, numeric, parameter.name)
        }

        replayMasks()
        _ = model.forward(input, training: true)
        let inputGradient = model.backwardToInput(upstream)
        let x = Parameter(name: "input", value: input)
        let numericInput = GradientCheck.numericGradient(of: x) {
            replayMasks()
            return GradientCheck.weightedSum(model.forward(x.value, training: true), upstream)
        }
        GradientCheck.assertClose(inputGradient.storage, numericInput, "classifier input")
    }

    func testGradientsAccumulateAcrossBackwardPasses() {
        let layer = Linear(name: "linear", inputs: 3, outputs: 2, generator: &generator)
        let input = Matrix.randomNormal(rows: 2, cols: 3, using: &generator)
        let upstream = Matrix.randomNormal(rows: 2, cols: 2, using: &generator)
        _ = layer.forward(input, training: true)
        _ = layer.backward(upstream)
        let once = layer.weight.gradient.storage
        _ = layer.forward(input, training: true)
        layer.accumulateParameterGradients(upstream)
        for (twice, single) in zip(layer.weight.gradient.storage, once) {
            XCTAssertEqual(twice, 2 * single, accuracy: 1e-5 * max(1, abs(single)))
        }
    }

    func testParameterNamesAreUniqueAndPrefixed() {
        let model = Sequential.classifier(inputs: 6, hidden: [5, 4], classes: 3, generator: &generator)
        XCTAssertEqual(model.parameters.map(\.name), [
            "linear1.weight", "linear1.bias", "norm1.weight", "norm1.bias",
            "linear2.weight", "linear2.bias", "norm2.weight", "norm2.bias",
            "output.weight", "output.bias",
        ])
    }
}
