/// One figure a benchmark measured, with what it is compared against.
public struct BenchmarkResult: Codable, Sendable {
    public var section: String
    public var name: String
    public var value: Double
    public var unit: String
    /// The same work done by other implementations in the same run (PyTorch, ONNX Runtime,
    /// h5py, the upstream called directly), so the ratios hold on whatever machine ran them. A
    /// target on the ratio is against the first.
    public var references: [Reference]
    public var target: Target?
    /// The 1-minute load average when the section that measured this started and when it ended
    /// (our own threads count too): how much else shared the cores.
    public var loadAverage: [Double]?

    public init(section: String, name: String, value: Double, unit: String, references: [Reference] = [], target: Target? = nil) {
        self.section = section
        self.name = name
        self.value = value
        self.unit = unit
        self.references = references
        self.target = target
    }

    /// How many times better than `reference`: above 1 is faster, whichever way the unit points.
    public func ratio(to reference: Reference) -> Double? {
        guard reference.value > 0, value > 0 else { return nil }
        return reference.higherIsBetter ? value / reference.value : reference.value / value
    }

    /// The ratio to the first reference, the one a ratio target is set against.
    public var ratio: Double? {
        references.first.flatMap(ratio(to:))
    }

    public var meetsTarget: Bool? {
        guard let target else { return nil }
        switch target {
        case .ratioAtLeast(let bound): return ratio.map { $0 >= bound }
        case .atLeast(let bound): return value >= bound
        case .atMost(let bound): return value <= bound
        }
    }
}

public struct Reference: Codable, Sendable {
    public var label: String
    public var value: Double
    public var higherIsBetter: Bool

    public init(label: String, value: Double, higherIsBetter: Bool) {
        self.label = label
        self.value = value
        self.higherIsBetter = higherIsBetter
    }
}

public enum Target: Codable, Sendable, CustomStringConvertible {
    case ratioAtLeast(Double)
    case atLeast(Double)
    case atMost(Double)

    public var description: String {
        switch self {
        case .ratioAtLeast(let bound): return "≥ \(BenchmarkTable.format(bound))× ref"
        case .atLeast(let bound): return "≥ \(BenchmarkTable.format(bound))"
        case .atMost(let bound): return "≤ \(BenchmarkTable.format(bound))"
        }
    }
}

/// A group of measurements run together; each part of the system adds one.
public protocol BenchmarkSection {
    var name: String { get }
    /// `log` takes progress lines for stderr.
    func run(log: (String) -> Void) throws -> [BenchmarkResult]
}
