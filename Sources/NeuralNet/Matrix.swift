/// A row-major matrix of Float32: element (r, c) is `storage[r * cols + c]`.
///
/// A value type backed by an array, so copies are cheap until written (copy-on-write). Layers
/// keep their outputs and gradients in `Matrix` workspaces that they overwrite each step; as long
/// as a caller does not hold on to a returned matrix across steps, no step allocates.
public struct Matrix: Equatable, Sendable {
    public private(set) var rows: Int
    public private(set) var cols: Int
    public var storage: [Float]

    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix shape \(rows)×\(cols) is negative")
        self.rows = rows
        self.cols = cols
        storage = Array(repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, storage: [Float]) {
        precondition(storage.count == rows * cols, "Matrix \(rows)×\(cols) needs \(rows * cols) values, got \(storage.count)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// One row per inner array; all rows must have the same length.
    public init(_ rowValues: [[Float]]) {
        let cols = rowValues.first?.count ?? 0
        precondition(rowValues.allSatisfy { $0.count == cols }, "Matrix rows have different lengths")
        self.init(rows: rowValues.count, cols: cols, storage: rowValues.flatMap { $0 })
    }

    public var count: Int { rows * cols }

    public subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Changes the shape in place, keeping the array's capacity, so a workspace that serves
    /// several batch sizes grows once to the largest and never reallocates afterwards.
    /// The first `min(old, new)` values (in storage order) are kept; new values are zero.
    public mutating func resize(rows newRows: Int, cols newCols: Int) {
        precondition(newRows >= 0 && newCols >= 0, "Matrix shape \(newRows)×\(newCols) is negative")
        let newCount = newRows * newCols
        if newCount < storage.count {
            storage.removeLast(storage.count - newCount)
        } else if newCount > storage.count {
            storage.append(contentsOf: repeatElement(0, count: newCount - storage.count))
        }
        rows = newRows
        cols = newCols
    }

    public mutating func fill(_ value: Float) {
        storage.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = value }
        }
    }

    /// self += scale·other, for summing gradients that reach one tensor by several paths.
    public mutating func add(_ other: Matrix, scaledBy scale: Float = 1) {
        precondition(other.rows == rows && other.cols == cols, "Matrix.add: \(other.rows)×\(other.cols) onto \(rows)×\(cols)")
        other.storage.withUnsafeBufferPointer { source in
            storage.withUnsafeMutableBufferPointer { target in
                for i in target.indices { target[i] += scale * source[i] }
            }
        }
    }

    /// Values drawn from N(0, std²).
    public static func randomNormal(rows: Int, cols: Int, standardDeviation: Float = 1, using generator: inout RandomGenerator) -> Matrix {
        var matrix = Matrix(rows: rows, cols: cols)
        for i in 0..<matrix.count { matrix.storage[i] = generator.normal() * standardDeviation }
        return matrix
    }

    /// Values drawn uniformly from [low, high).
    public static func randomUniform(rows: Int, cols: Int, in range: Range<Float>, using generator: inout RandomGenerator) -> Matrix {
        var matrix = Matrix(rows: rows, cols: cols)
        for i in 0..<matrix.count { matrix.storage[i] = generator.uniform(in: range) }
        return matrix
    }
}
