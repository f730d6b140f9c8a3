import Foundation
import RunLog

/// What `safemcp curves` prints for one tag: how many points, the last value, the best value
/// (the minimum or maximum, by `TagDescription.direction`) and a sparkline of the whole series.
public struct CurveSummary: Encodable, Equatable, Sendable {
    public var tag: String
    public var points: Int
    public var lastStep: Int
    public var last: Double
    /// `min`, `max`, or `none` when the tag has no better direction (learning rates, λ).
    public var best: TagDescription.Direction
    public var bestStep: Int?
    public var bestValue: Double?
    public var sparkline: String

    enum CodingKeys: String, CodingKey {
        case tag, points, last, best, sparkline
        case lastStep = "last_step"
        case bestStep = "best_step"
        case bestValue = "best_value"
    }

    /// `points` in step order and not empty; non-finite values are never "best".
    public init(tag: String, points: [ScalarPoint], sparklineWidth: Int) {
        precondition(!points.isEmpty, "a summary needs at least one point")
        self.tag = tag
        self.points = points.count
        lastStep = points.last!.step
        last = points.last!.value
        best = TagDescription(tag).direction
        let finite = points.filter { $0.value.isFinite }
        let bestPoint: ScalarPoint?
        switch best {
        // The first of equal values wins: the step where the best was first reached.
        case .lowerIsBetter: bestPoint = finite.min { $0.value < $1.value }
        case .higherIsBetter: bestPoint = finite.max { $0.value < $1.value }
        case .neither: bestPoint = nil
        }
        bestStep = bestPoint?.step
        bestValue = bestPoint?.value
        sparkline = Sparkline.render(points.map(\.value), width: sparklineWidth)
    }

    public static func summaries(of run: RunRecord, sparklineWidth: Int) -> [CurveSummary] {
        run.tags.map { CurveSummary(tag: $0, points: run.series[$0]!, sparklineWidth: sparklineWidth) }
    }

    /// A fixed-width table for the terminal, one tag per line, namespaces separated by a blank line.
    public static func table(_ summaries: [CurveSummary]) -> String {
        let headers = ["tag", "points", "last", "@step", "best", "@step", "trend"]
        var rows: [[String]] = []
        var namespaces: [String] = []
        for summary in summaries {
            let bestText: String
            if let value = summary.bestValue {
                bestText = "\(summary.best.rawValue) \(formatValue(value))"
            } else {
                bestText = "—"
            }
            rows.append([summary.tag, String(summary.points), formatValue(summary.last), String(summary.lastStep),
                         bestText, summary.bestStep.map(String.init) ?? "", summary.sparkline])
            namespaces.append(TagDescription(summary.tag).namespace)
        }
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max()!
        }
        let rightAligned: Set<Int> = [1, 2, 3, 5]
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(headers)]
        for (index, row) in rows.enumerated() {
            if index > 0, namespaces[index] != namespaces[index - 1] { lines.append("") }
            lines.append(line(row))
        }
        return lines.joined(separator: "\n")
    }

    /// Four significant digits: enough to compare runs, short enough for a narrow terminal.
    static func formatValue(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
