/// Values of an N-dimensional dataset in row-major order, with their shape.
/// An empty shape is a scalar (one value).
public struct HDF5Array<Element: HDF5NumericElement>: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Element]

    public init(shape: [Int], values: [Element]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == values.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }
}
