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
        gradient.fill(0)
    }
}
