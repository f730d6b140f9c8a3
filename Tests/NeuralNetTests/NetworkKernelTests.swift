import AVX512Kernels
import KernelThreads
@testable import NeuralNet
import XCTest

/// The AVX-512 products against the definition in Double, over the shapes that take each path:
/// both orientations, packed and in-place operands, partial panels and tiles, accumulation.
final class NetworkKernelTests: XCTestCase {
    var generator = RandomGenerator(seed: 11)

    func skipWithoutAVX512() throws {
        try XCTSkipUnless(CPUFeatures.hasAVX512, "this CPU lacks AVX-512: only OpenBLAS runs the products here")
    }

    func testTheSettingChoosesTheKernelsAndABadValueIsNamed() throws {
        XCTAssertEqual(try NetworkKernels.configured(environment: [:]).get(), CPUFeatures.hasAVX512 ? .avx512 : .blas)
        XCTAssertEqual(try NetworkKernels.configured(environment: ["SAFEMCP_NETWORK_KERNELS": "blas"]).get(), .blas)
        guard case .failure(let error) = NetworkKernels.configured(environment: ["SAFEMCP_NETWORK_KERNELS": "fast"]) else {
            return XCTFail("an unknown value was accepted")
        }
        XCTAssertEqual(error.description, "SAFEMCP_NETWORK_KERNELS=fast: must be avx512 or blas")
        guard case .failure(let encoderOnly) = NetworkKernels.configured(environment: ["SAFEMCP_NETWORK_KERNELS": "avx2"]) else {
            return XCTFail("the encoder's AVX2 kernel was accepted for the network layers, which have none")
        }
        XCTAssertEqual(encoderOnly.description, "SAFEMCP_NETWORK_KERNELS=avx2: must be avx512 or blas")
    }

    func naive(m: Int, n: Int, k: Int, a: [Float], transposeA: Bool, b: [Float], transposeB: Bool, c: [Float], accumulate: Bool) -> [Double] {
        (0..<m).flatMap { i in
            (0..<n).map { j in
                var sum: Double = accumulate ? Double(c[i * n + j]) : 0
                for p in 0..<k {
                    sum += Double(transposeA ? a[p * m + i] : a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j])
                }
                return sum
            }
        }
    }

    /// Shapes from one partial tile to the policy's first layer, whose forward flips orientation.
    static let shapes = [(m: 8, n: 32, k: 1), (m: 13, n: 45, k: 7), (m: 32, n: 256, k: 300), (m: 256, n: 70, k: 32), (m: 40, n: 9, k: 65)]

    /// `GeneralProduct` of op(A)·op(B) into `c` (packed A and B as stored, C with row stride n),
    /// packing and computing in `parts` parts, the computing parts in reverse order; returns
    /// the workspace it was given, one float longer than asked, first filled with NaN.
    @discardableResult
    func product(m: Int, n: Int, k: Int, a: [Float], transposeA: Bool, b: [Float], transposeB: Bool, accumulate: Bool,
                 into c: inout [Float], parts: Int = 1) -> [Float] {
        var workspace = [Float](repeating: .nan, count: GeneralProduct.workspaceFloats(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB) + 1)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    workspace.withUnsafeMutableBufferPointer { w in
                        let product = GeneralProduct(m: m, n: n, k: k, a: a.baseAddress!, lda: transposeA ? m : k, transposeA: transposeA,
                                                     b: b.baseAddress!, ldb: transposeB ? k : n, transposeB: transposeB,
                                                     accumulate: accumulate, c: c.baseAddress!, ldc: n, workspace: w.baseAddress!)
                        for part in 0..<parts { product.pack(part: part, of: parts) }
                        for part in (0..<parts).reversed() {
                            product.run(units: (product.units * part / parts)..<(product.units * (part + 1) / parts))
                        }
                    }
                }
            }
        }
        return workspace
    }

    func testGeneralProductMatchesTheDefinitionEveryWay() throws {
        try skipWithoutAVX512()
        for (m, n, k) in Self.shapes {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    for accumulate in [false, true] {
                        let a = Matrix.randomNormal(rows: 1, cols: m * k, using: &generator).storage
                        let b = Matrix.randomNormal(rows: 1, cols: k * n, using: &generator).storage
                        var c = Matrix.randomNormal(rows: 1, cols: m * n, using: &generator).storage
                        let expected = naive(m: m, n: n, k: k, a: a, transposeA: transposeA, b: b, transposeB: transposeB, c: c, accumulate: accumulate)
                        let workspace = product(m: m, n: n, k: k, a: a, transposeA: transposeA, b: b, transposeB: transposeB,
                                                accumulate: accumulate, into: &c)
                        XCTAssertTrue(workspace.last!.isNaN, "\(m)×\(k)·\(k)×\(n): wrote past its workspace")
                        let label = "\(m)×\(k)·\(k)×\(n), transposeA \(transposeA), transposeB \(transposeB), accumulate \(accumulate)"
                        for (got, want) in zip(c, expected) {
                            XCTAssertEqual(Double(got), want, accuracy: 1e-4 * max(1, abs(want)), label)
                        }
                    }
                }
            }
        }
    }

    /// Packing and tiles split among any number of parts give the same bits as one part: the
    /// result does not depend on the thread count.
    func testSplittingTheWorkChangesNoBit() throws {
        try skipWithoutAVX512()
        let (m, n, k) = (40, 70, 50)
        for (transposeA, transposeB) in [(false, true), (true, false), (false, false)] {
            let a = Matrix.randomNormal(rows: 1, cols: m * k, using: &generator).storage
            let b = Matrix.randomNormal(rows: 1, cols: k * n, using: &generator).storage
            let results = [1, 2, 3, 7].map { parts in
                var c = [Float](repeating: 0, count: m * n)
                product(m: m, n: n, k: k, a: a, transposeA: transposeA, b: b, transposeB: transposeB, accumulate: false, into: &c, parts: parts)
                return c
            }
            for (parts, result) in zip([2, 3, 7], results.dropFirst()) {
                XCTAssertEqual(result, results[0], "\(parts) parts, transposeA \(transposeA), transposeB \(transposeB)")
            }
        }
    }

    /// `Matrix.multiply` on the AVX-512 kernels and on OpenBLAS agree to rounding on the shapes of
    /// a policy layer, and the AVX-512 result is the same with one thread as with two.
    func testMatrixProductsAgreeAcrossKernelsAndThreads() throws {
        try skipWithoutAVX512()
        let saved = (NetworkKernels.current, BLASThreads.count)
        defer { (NetworkKernels.current, BLASThreads.count) = saved }
        let x = Matrix.randomNormal(rows: 32, cols: 700, using: &generator)
        let w = Matrix.randomNormal(rows: 256, cols: 700, using: &generator)
        func forward(_ kernels: KernelSet, threads: Int) -> Matrix {
            (NetworkKernels.current, BLASThreads.count) = (kernels, threads)
            var y = Matrix(rows: 32, cols: 256)
            Matrix.multiply(x, w, transposeB: true, into: &y)
            return y
        }
        let blas = forward(.blas, threads: 1), one = forward(.avx512, threads: 1), two = forward(.avx512, threads: 2)
        XCTAssertEqual(one, two)
        for (ours, theirs) in zip(one.storage, blas.storage) {
            XCTAssertEqual(ours, theirs, accuracy: 1e-3 * max(1, abs(theirs)))
        }
    }
}
