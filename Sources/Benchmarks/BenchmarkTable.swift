import Foundation

/// The plain-text table `safemcp-bench` prints: one row per measurement, with the reference,
/// the ratio and whether the target holds, and the load average while its section ran.
public struct BenchmarkTable {
    let measurements: [BenchmarkResult]

    public init(_ measurements: [BenchmarkResult]) {
        self.measurements = measurements
    }

    public func render() -> String {
        let header = ["section", "measurement", "value", "unit", "reference (same run)", "ratio", "target", "met", "load"]
        let rows = measurements.map { m -> [String] in
            [
                m.section, m.name, Self.format(m.value), m.unit,
                m.references.map { "\(Self.format($0.value)) (\($0.label))" }.joined(separator: "; "),
                m.references.map { m.ratio(to: $0).map { String(format: "%.2f×", $0) } ?? "-" }.joined(separator: "; "),
                m.target?.description ?? "",
                m.meetsTarget.map { $0 ? "yes" : "NO" } ?? "",
                m.loadAverage.map { $0.map { String(format: "%.1f", $0) }.joined(separator: "–") } ?? "",
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value >= 1000 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }
}
