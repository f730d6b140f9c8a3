import NeuralNet
import XCTest

final class MatrixTests: XCTestCase {
    var generator = RandomGenerator(seed: 5)

    /// C = alpha·op(A)·op(B) + beta·C by the definition, in Double.
    func naive(_ a: Matrix, _ b: Matrix, transposeA: Bool, transposeB: Bool, c: Matrix, alpha: Double, beta: Double) -> [Double] {
        let m = c.rows, n = c.cols, k = transposeA ? a.rows : a.cols
        var result: [Double] = []
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let aValue = transposeA ? a[p, i] : a[i, p]
                    let bValue = transposeB ? b[j, p] : b[p, j]
                    sum += Double(aValue) * Double(bValue)
                }
                result.append(alpha * sum + beta * Double(c[i, j]))
            }
        }
        return result
    }

    /// Also with one output row, which goes through sgemv instead of sgemm.
    func testAllFourTransposeCombinations() {
        for (m, k, n) in [(5, 7, 3), (1, 7, 3)] {
            checkTransposeCombinations(m: m, k: k, n: n)
        }
    }

    func checkTransposeCombinations(m: Int, k: Int, n: Int) {
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = Matrix.randomNormal(rows: transposeA ? k : m, cols: transposeA ? m : k, using: &generator)
                let b = Matrix.randomNormal(rows: transposeB ? n : k, cols: transposeB ? k : n, using: &generator)
                var c = Matrix.randomNormal(rows: m, cols: n, using: &generator)
                let expected = naive(a, b, transposeA: transposeA, transposeB: transposeB, c: c, alpha: 0.5, beta: 2)
                Matrix.multiply(a, b, transposeA: transposeA, transposeB: transposeB, into: &c, alpha: 0.5, beta: 2)
                for (got, want) in zip(c.storage, expected) {
                    XCTAssertEqual(Double(got), want, accuracy: 1e-5, "\(m)×\(k)·\(k)×\(n), transposeA \(transposeA), transposeB \(transposeB)")
                }
            }
        }
    }

    func testBetaZeroIgnoresPreviousOutput() {
        let a = Matrix([[1, 2], [3, 4]])
        let b = Matrix([[5, 6], [7, 8]])
        var c = Matrix(rows: 2, cols: 2, repeating: .nan)
        Matrix.multiply(a, b, into: &c)
        XCTAssertEqual(c, Matrix([[19, 22], [43, 50]]))
        XCTAssertEqual(Matrix.product(a, b, transposeA: true), Matrix([[26, 30], [38, 44]]))
    }

    /// An empty sum (k zero) leaves beta·C, and with beta 0 clears C, whatever was in it; an
    /// empty output (m zero) is no work at all.
    func testEmptySumLeavesBetaTimesC() {
        let a = Matrix(rows: 2, cols: 0), b = Matrix(rows: 0, cols: 3)
        var c = Matrix([[1, 2, 3], [4, 5, 6]])
        Matrix.multiply(a, b, into: &c, beta: 2)
        XCTAssertEqual(c, Matrix([[2, 4, 6], [8, 10, 12]]))
        c.fill(.nan)
        Matrix.multiply(a, b, into: &c)
        XCTAssertEqual(c, Matrix(rows: 2, cols: 3))
        var empty = Matrix(rows: 0, cols: 3)
        Matrix.multiply(Matrix(rows: 0, cols: 4), Matrix(rows: 4, cols: 3), into: &empty)
        XCTAssertEqual(empty.count, 0)
    }

    func testAddScaled() {
        var sum = Matrix([[1, 2], [3, 4]])
        sum.add(Matrix([[10, 20], [30, 40]]), scaledBy: 0.5)
        XCTAssertEqual(sum, Matrix([[6, 12], [18, 24]]))
    }

    func testResizeReusesStorageWithinCapacity() {
        var workspace = Matrix(rows: 8, cols: 4)
        let address = workspace.storage.withUnsafeBufferPointer { $0.baseAddress }
        workspace.resize(rows: 2, cols: 4)
        XCTAssertEqual(workspace.count, 8)
        workspace.resize(rows: 8, cols: 4)
        XCTAssertEqual(workspace.storage.withUnsafeBufferPointer { $0.baseAddress }, address)
        XCTAssertEqual(workspace.storage.count, 32)
    }
}
