extension Matrix {
    /// Rows stacked in order; each row must have `cols` values.
    public static func stacking(_ rows: [[Float]], cols: Int) -> Matrix {
        var storage: [Float] = []
        storage.reserveCapacity(rows.count * cols)
        for row in rows {
            precondition(row.count == cols, "row of \(row.count) values, expected \(cols)")
            storage += row
        }
        return Matrix(rows: rows.count, cols: cols, storage: storage)
    }

    /// The given rows of `self`, in the given order.
    public func gathering(rows indices: [Int]) -> Matrix {
        var result = Matrix(rows: indices.count, cols: cols)
        for (target, source) in indices.enumerated() {
            for j in 0..<cols { result.storage[target * cols + j] = storage[source * cols + j] }
        }
        return result
    }

    /// `self` beside `other`: [self | other], row by row.
    public func concatenatingColumns(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows, "concatenating \(rows) rows with \(other.rows)")
        var result = Matrix(rows: rows, cols: cols + other.cols)
        for row in 0..<rows {
            for j in 0..<cols { result.storage[row * result.cols + j] = storage[row * cols + j] }
            for j in 0..<other.cols { result.storage[row * result.cols + cols + j] = other.storage[row * other.cols + j] }
        }
        return result
    }

    public func row(_ index: Int) -> ArraySlice<Float> {
        storage[index * cols..<(index + 1) * cols]
    }

    public static func += (lhs: inout Matrix, rhs: Matrix) {
        precondition(lhs.rows == rhs.rows && lhs.cols == rhs.cols, "adding \(rhs.rows)×\(rhs.cols) to \(lhs.rows)×\(lhs.cols)")
        for i in 0..<lhs.count { lhs.storage[i] += rhs.storage[i] }
    }
}
