import Foundation
import TextEncoder
import AVX512Kernels
import KernelThreads
import XCTest

/// The AVX-512 kernels against plain double-precision loops. They can only run on a CPU with
/// AVX-512, so elsewhere these tests are skipped (the encoder does not use the kernels there).
final class AVX512KernelTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(KernelSet.avx512.isSupported, "this CPU lacks AVX-512")
    }

    func testPackedProductWithBiasResidualAndGeluMatchesDoublePrecision() {
        // 21 rows: two full 8-row tiles and a partial one.
        let product = PanelProductCase(rows: 21)
        for gelu in [false, true] {
            var output = [Float](repeating: .nan, count: product.rows * product.outputs)
            PanelProduct.multiply(rows: product.rows, depth: product.inputs, a: product.input, lda: product.inputs,
                                  panels: product.computedPanels, b: product.packed, panelStride: 32 * product.inputs, ldb: 32,
                                  c: &output, ldc: product.outputs, bias: product.bias, residual: product.residual, gelu: gelu)
            product.check(output, withResidual: true, gelu: gelu)
        }
    }

    func testAttentionMatchesDoublePrecision() {
        let stride = 100, contextStride = 40
        for length in [1, 5, 33, 70] {
            let queries = kernelTestValues(length * stride, seed: 5), keys = kernelTestValues(length * stride, seed: 6), values = kernelTestValues(length * stride, seed: 7)
            var context = [Float](repeating: 0, count: length * contextStride)
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Attention.scratchFloats(length: length))
            defer { scratch.deallocate() }
            Attention.attend(length: length, queries: queries, keys: keys, values: values, stride: stride,
                             context: &context, contextStride: contextStride, scratch: scratch)
            for i in 0..<length {
                let scores = (0..<length).map { j in (0..<32).reduce(0.0) { $0 + Double(queries[i * stride + $1]) * Double(keys[j * stride + $1]) } }
                let maximum = scores.max()!
                let weights = scores.map { Foundation.exp($0 - maximum) }
                let total = weights.reduce(0, +)
                for d in 0..<32 {
                    let expected = (0..<length).reduce(0.0) { $0 + weights[$1] / total * Double(values[$1 * stride + d]) }
                    XCTAssertEqual(Double(context[i * contextStride + d]), expected, accuracy: 1e-5, "length \(length), row \(i), column \(d)")
                }
            }
        }
    }

    /// The encoder sizes scratch once for its longest sequence; a shorter one may use a larger
    /// block of scores (257 tokens: blocks of 24 rows of 288; 240 tokens: 32 rows of 256).
    func testScratchForALengthHoldsEveryShorterSequence() {
        let stride = 96, guardFloats = 256, sentinel: Float = 12345
        for (longest, length) in [(257, 240), (512, 256), (300, 40), (40, 40)] {
            let queries = kernelTestValues(length * stride, seed: 8), keys = kernelTestValues(length * stride, seed: 9), values = kernelTestValues(length * stride, seed: 10)
            var context = [Float](repeating: 0, count: length * 32)
            var scratch = [Float](repeating: sentinel, count: Attention.scratchFloats(length: longest) + guardFloats)
            Attention.attend(length: length, queries: queries, keys: keys, values: values, stride: stride,
                             context: &context, contextStride: 32, scratch: &scratch)
            XCTAssertTrue(scratch.suffix(guardFloats).allSatisfy { $0 == sentinel }, "\(length) tokens wrote past the scratch for \(longest)")
        }
    }

    func testSoftmaxMatchesDoublePrecision() {
        for count in [1, 15, 16, 17, 40, 256] {
            var row: [Float] = (0..<count).map { Float(sin(Double($0) * 1.7) * 9) }
            let reference = row.map(Double.init)
            let maximum = reference.max()!
            let total = reference.reduce(0) { $0 + Foundation.exp($1 - maximum) }
            row.withUnsafeMutableBufferPointer { VectorFunctions.softmax($0.baseAddress!, count: count) }
            for (value, x) in zip(row, reference) {
                XCTAssertEqual(Double(value), Foundation.exp(x - maximum) / total, accuracy: 1e-6, "count \(count)")
            }
        }
    }

    func testGeluIsXTimesNormalCDF() {
        var values: [Float] = stride(from: -8, through: 8, by: 0.01).map { Float($0) }
        let inputs = values.map(Double.init)
        values.withUnsafeMutableBufferPointer { VectorFunctions.gelu($0.baseAddress!, count: $0.count) }
        for (x, y) in zip(inputs, values) {
            XCTAssertEqual(Double(y), x * 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot())), accuracy: 1e-6, "gelu(\(x))")
        }
    }
}
