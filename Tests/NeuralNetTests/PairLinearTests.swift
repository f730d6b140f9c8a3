import NeuralNet
import XCTest

/// `PairLinear` against central finite differences and against `Linear` on the concatenated
/// pairs, which it must equal. Pairs name their rows out of order, twice for one row and never
/// for another, so the per-row sums are exercised.
final class PairLinearTests: XCTestCase {
    var generator = RandomGenerator(seed: 13)
    let pairRows = [2, 0, 2, 3, 0]

    func testGradientsMatchFiniteDifferences() {
        let layer = PairLinear(name: "pair", rowInputs: 4, pairInputs: 3, outputs: 5, generator: &generator)
        let rows = Parameter(name: "rows", value: .randomNormal(rows: 4, cols: 4, using: &generator))
        let pairs = Matrix.randomNormal(rows: pairRows.count, cols: 3, using: &generator)
        let upstream = Matrix.randomNormal(rows: pairRows.count, cols: 5, using: &generator)
        _ = layer.forward(rows: rows.value, pairs: pairs, pairRows: pairRows, training: true)
        for parameter in layer.parameters { parameter.zeroGradient() }
        let rowGradient = layer.backward(upstream)

        func objective() -> Double {
            GradientCheck.weightedSum(layer.forward(rows: rows.value, pairs: pairs, pairRows: pairRows, training: false), upstream)
        }
        // Row 1 belongs to no pair, so its gradient is exactly zero; the check covers the others.
        XCTAssertEqual(Array(rowGradient.storage[4..<8]), [0, 0, 0, 0])
        GradientCheck.assertClose(rowGradient.storage, GradientCheck.numericGradient(of: rows, objective: objective), "rows")
        for parameter in layer.parameters {
            GradientCheck.assertClose(parameter.gradient.storage, GradientCheck.numericGradient(of: parameter, objective: objective),
                                      parameter.name)
        }
    }

    func testEqualsLinearOnConcatenatedPairs() {
        var pairGenerator = generator
        let layer = PairLinear(name: "pair", rowInputs: 6, pairInputs: 5, outputs: 7, generator: &pairGenerator)
        let linear = Linear(name: "pair", inputs: 11, outputs: 7, generator: &generator)
        XCTAssertEqual(layer.weight.value, linear.weight.value, "the same initial weights from the same generator")
        XCTAssertEqual(layer.bias.value, linear.bias.value)
        let rows = Matrix.randomNormal(rows: 4, cols: 6, using: &generator)
        let pairs = Matrix.randomNormal(rows: pairRows.count, cols: 5, using: &generator)
        let upstream = Matrix.randomNormal(rows: pairRows.count, cols: 7, using: &generator)
        var concatenated = Matrix(rows: pairRows.count, cols: 11)
        for (pair, row) in pairRows.enumerated() {
            for j in 0..<6 { concatenated[pair, j] = rows[row, j] }
            for j in 0..<5 { concatenated[pair, 6 + j] = pairs[pair, j] }
        }

        let output = layer.forward(rows: rows, pairs: pairs, pairRows: pairRows, training: true)
        let expected = linear.forward(concatenated, training: true)
        assertClose(output.storage, expected.storage, "output")
        layer.weight.zeroGradient()
        layer.bias.zeroGradient()
        linear.weight.zeroGradient()
        linear.bias.zeroGradient()
        let rowGradient = layer.backward(upstream)
        let concatenatedGradient = linear.backward(upstream)
        assertClose(layer.weight.gradient.storage, linear.weight.gradient.storage, "weight gradient")
        assertClose(layer.bias.gradient.storage, linear.bias.gradient.storage, "bias gradient")
        var expectedRowGradient = Matrix(rows: 4, cols: 6)
        for (pair, row) in pairRows.enumerated() {
            for j in 0..<6 { expectedRowGradient[row, j] += concatenatedGradient[pair, j] }
        }
        assertClose(rowGradient.storage, expectedRowGradient.storage, "row gradient")
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a, e, accuracy: 1e-5 * max(1, abs(e)), label, file: file, line: line)
        }
    }
}
