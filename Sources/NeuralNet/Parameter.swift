/// A learned tensor with a name ("linear1.weight") under which a trainer saves and loads it,
/// and the gradient that backward passes accumulate into (a trainer zeroes it each step).
public final class Parameter {
    public let name: String
    public var value: Matrix
    public var gradient: Matrix

    public init(name: String, value: Matrix) {
        self.name = name
        self.value = value
        gradient = Matrix(rows: value.rows, cols: value.cols)
    }

    public func zeroGradient() {
        gradient.storage.withUnsafeMutableBufferPointer { g in
            guard let base = g.baseAddress else { return }
            ElementThreads.forEachRange(count: g.count) { _, range in (base + range.lowerBound).update(repeating: 0, count: range.count) }
        }
    }
}
