/// One figure a benchmark measured, with what it is compared against.
public struct BenchmarkResult: Codable, Sendable {
    public var section: String
    public var name: String
    public var value: Double
    public var unit: String
    /// A figure for the same work measured elsewhere on this kind of machine (PyTorch, ONNX Runtime).
    public var reference: Reference?
    public var target: Target?

    public init(section: String, name: String, value: Double, unit: String, reference: Reference? = nil, target: Target? = nil) {
        self.section = section
        self.name = name
        self.value = value
        self.unit = unit
        self.reference = reference
        self.target = target
    }

    /// How many times better than the reference: above 1 is faster, whichever way the unit points.
    public var ratio: Double? {
        guard let reference, reference.value > 0, value > 0 else { return nil }
        return reference.higherIsBetter ? value / reference.value : reference.value / value
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
        case .ratioAtLeast(let bound): return "≥ \(bound)× ref"
        case .atLeast(let bound): return "≥ \(bound)"
        case .atMost(let bound): return "≤ \(bound)"
        }
    }
}

/// A group of measurements run together; each part of the system adds one.
public protocol BenchmarkSection {
    var name: String { get }
    /// `log` takes progress lines for stderr.
    func run(log: (String) -> Void) throws -> [BenchmarkResult]
}
