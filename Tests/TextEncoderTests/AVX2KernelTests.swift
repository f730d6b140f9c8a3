import AVX2Kernels
import Foundation
import KernelThreads
import XCTest

/// Pseudo-random values in [-1, 1] that differ per `seed`, for the kernel tests.
func kernelTestValues(_ count: Int, seed: Int) -> [Float] {
    (0..<count).map { Float(sin(Double($0 * 7919 + seed * 104_729) * 0.001)) }
}

/// The AVX2 dense-layer product against plain double-precision loops, on weights packed as the
/// encoder packs them. Skipped on a CPU without AVX2 and FMA (the encoder does not use it there).
final class AVX2KernelTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(KernelSet.avx2.isSupported, "this CPU lacks AVX2 and FMA")
    }

    func testPackedProductWithBiasAndResidualMatchesDoublePrecision() {
        // 15 rows: two full 6-row tiles and a partial one; 96 outputs: three panels, of which the
        // product computes the last two only; with and without a residual.
        let rows = 15, inputs = 40, outputs = 96
        let input = kernelTestValues(rows * inputs, seed: 1), weight = kernelTestValues(outputs * inputs, seed: 2)
        let bias = kernelTestValues(outputs, seed: 3), residual = kernelTestValues(rows * outputs, seed: 4)
        let packed = PanelLayout.packed(weight, outputs: outputs, inputs: inputs)
        for withResidual in [false, true] {
            var output = [Float](repeating: .nan, count: rows * outputs)
            residual.withUnsafeBufferPointer { residualBuffer in
                HalfPanelProduct.multiply(rows: rows, depth: inputs, a: input, lda: inputs, panels: 1..<3, b: packed,
                                          panelStride: 32 * inputs, ldb: 32, c: &output, ldc: outputs,
                                          bias: bias, residual: withResidual ? residualBuffer.baseAddress! : nil)
            }
            for r in 0..<rows {
                for c in 0..<32 { XCTAssertTrue(output[r * outputs + c].isNaN, "column \(c) outside the panels was written") }
                for c in 32..<outputs {
                    var sum = Double(bias[c]) + (withResidual ? Double(residual[r * outputs + c]) : 0)
                    for i in 0..<inputs { sum += Double(input[r * inputs + i]) * Double(weight[c * inputs + i]) }
                    XCTAssertEqual(Double(output[r * outputs + c]), sum, accuracy: 1e-5, "row \(r), column \(c), residual \(withResidual)")
                }
            }
        }
    }

    /// The packing itself, element by element against its definition.
    func testPackingPutsEachWeightInItsPanel() {
        let outputs = 64, inputs = 3
        let weight = (0..<(outputs * inputs)).map(Float.init)
        let packed = PanelLayout.packed(weight, outputs: outputs, inputs: inputs)
        for output in 0..<outputs {
            for input in 0..<inputs {
                let panel = output / 32, column = output % 32
                XCTAssertEqual(packed[(panel * inputs + input) * 32 + column], weight[output * inputs + input], "output \(output), input \(input)")
            }
        }
    }
}
