import Foundation
@testable import TextEncoder
import XCTest

/// The vectorisable kernels against the C library's `exp`/`erf` in double precision.
final class VectorMathTests: XCTestCase {
    func testExpMatchesLibmToFewUlp() {
        var x: Float = -87
        while x < 88 {
            let reference = Foundation.exp(Double(x))
            XCTAssertEqual(Double(VectorMath.exp(x)), reference, accuracy: reference * 4e-7, "exp(\(x))")
            x += 0.0137
        }
        XCTAssertEqual(VectorMath.exp(-1000), Float(Foundation.exp(-87.33654)), accuracy: 1e-38)
    }

    func testErfMatchesLibm() {
        var x: Float = -6
        while x < 6 {
            XCTAssertEqual(Double(VectorMath.erf(x)), Foundation.erf(Double(x)), accuracy: 5e-7, "erf(\(x))")
            x += 0.001
        }
    }

    func testGeluIsXTimesNormalCDF() {
        var values: [Float] = stride(from: -8, through: 8, by: 0.01).map { Float($0) }
        let inputs = values.map(Double.init)
        values.withUnsafeMutableBufferPointer { VectorMath.gelu($0.baseAddress!, count: $0.count) }
        for (x, y) in zip(inputs, values) {
            XCTAssertEqual(Double(y), x * 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot())), accuracy: 1e-6, "gelu(\(x))")
        }
    }

    func testSoftmaxMatchesDoublePrecision() {
        for count in [1, 7, 8, 9, 40, 256] {
            var row: [Float] = (0..<count).map { Float(sin(Double($0) * 1.7) * 9) }
            let reference = row.map(Double.init)
            let maximum = reference.max()!
            let total = reference.reduce(0) { $0 + Foundation.exp($1 - maximum) }
            row.withUnsafeMutableBufferPointer { VectorMath.softmax($0.baseAddress!, count: count) }
            for (value, x) in zip(row, reference) {
                XCTAssertEqual(Double(value), Foundation.exp(x - maximum) / total, accuracy: 1e-6)
            }
        }
    }

    func testLayerNormMatchesDoublePrecision() {
        let width = 384, rows = 3
        var values: [Float] = (0..<(rows * width)).map { Float(cos(Double($0) * 0.37) * 3 + Double($0 % 5)) }
        let reference = values.map(Double.init)
        let scale: [Float] = (0..<width).map { 1 + Float($0) / 384 }
        let shift: [Float] = (0..<width).map { Float($0 % 3) - 1 }
        values.withUnsafeMutableBufferPointer { buffer in
            VectorMath.layerNorm(buffer.baseAddress!, rows: rows, width: width, scale: scale, shift: shift, epsilon: 1e-12)
        }
        for r in 0..<rows {
            let row = reference[(r * width)..<((r + 1) * width)]
            let mean = row.reduce(0, +) / Double(width)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(width)
            for i in 0..<width {
                let expected = (row[r * width + i] - mean) / (variance + 1e-12).squareRoot() * Double(scale[i]) + Double(shift[i])
                XCTAssertEqual(Double(values[r * width + i]), expected, accuracy: 1e-5)
            }
        }
    }
}
