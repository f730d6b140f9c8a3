import AVX2Kernels
import Foundation
import XCTest

/// Pseudo-random values in [-1, 1] that differ per `seed`, for the kernel tests.
func kernelTestValues(_ count: Int, seed: Int) -> [Float] {
    (0..<count).map { Float(sin(Double($0 * 7919 + seed * 104_729) * 0.001)) }
}

/// One dense-layer product for the kernels that read packed panels (`HalfPanelProduct`,
/// `PanelProduct`): 96 outputs, three panels, of which the product is asked for the last two,
/// and its definition in Double to check what a kernel wrote.
struct PanelProductCase {
    let rows: Int
    let inputs = 40, outputs = 96
    let computedPanels = 1..<3
    let input: [Float], weight: [Float], bias: [Float], residual: [Float]
    let packed: [Float]

    init(rows: Int) {
        self.rows = rows
        input = kernelTestValues(rows * inputs, seed: 1)
        weight = kernelTestValues(outputs * inputs, seed: 2)
        bias = kernelTestValues(outputs, seed: 3)
        residual = kernelTestValues(rows * outputs, seed: 4)
        packed = PanelLayout.packed(weight, outputs: outputs, inputs: inputs)
    }

    /// The first panel's columns untouched (NaN, as the output starts), every other one equal to
    /// `input · weightᵀ + bias` (+ the residual) (then GELU) computed in Double.
    func check(_ output: [Float], withResidual: Bool, gelu: Bool, file: StaticString = #filePath, line: UInt = #line) {
        for r in 0..<rows {
            for c in 0..<32 { XCTAssertTrue(output[r * outputs + c].isNaN, "column \(c) outside the panels was written", file: file, line: line) }
            for c in 32..<outputs {
                var sum = Double(bias[c]) + (withResidual ? Double(residual[r * outputs + c]) : 0)
                for i in 0..<inputs { sum += Double(input[r * inputs + i]) * Double(weight[c * inputs + i]) }
                if gelu { sum = sum * 0.5 * (1 + Foundation.erf(sum / 2.0.squareRoot())) }
                XCTAssertEqual(Double(output[r * outputs + c]), sum, accuracy: 1e-5,
                               "row \(r), column \(c), residual \(withResidual), gelu \(gelu)", file: file, line: line)
            }
        }
    }
}
