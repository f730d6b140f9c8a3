import AVX2Kernels
import Foundation
import KernelThreads
import XCTest

/// The AVX2 dense-layer product against plain double-precision loops, on weights packed as the
/// encoder packs them. Skipped on a CPU without AVX2 and FMA (the encoder does not use it there).
final class AVX2KernelTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(KernelSet.avx2.isSupported, "this CPU lacks AVX2 and FMA")
    }

    func testPackedProductWithBiasAndResidualMatchesDoublePrecision() {
        // 15 rows: two full 6-row tiles and a partial one; with and without a residual.
        let product = PanelProductCase(rows: 15)
        for withResidual in [false, true] {
            var output = [Float](repeating: .nan, count: product.rows * product.outputs)
            product.residual.withUnsafeBufferPointer { residual in
                HalfPanelProduct.multiply(rows: product.rows, depth: product.inputs, a: product.input, lda: product.inputs,
                                          panels: product.computedPanels, b: product.packed, panelStride: 32 * product.inputs, ldb: 32,
                                          c: &output, ldc: product.outputs, bias: product.bias,
                                          residual: withResidual ? residual.baseAddress! : nil)
            }
            product.check(output, withResidual: withResidual, gelu: false)
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
