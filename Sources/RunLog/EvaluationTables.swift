import Foundation

/// `eval.json` (docs/runs.md): tables whose rows are the defenses compared and whose columns
/// are metrics; `nil` (JSON null) where a metric does not apply to a row. The one type of the
/// file: training and `safemcp eval` write it, the report reads it.
public struct EvaluationTables: Codable, Equatable, Sendable {
    public struct Row: Codable, Equatable, Sendable {
        public var name: String
        public var values: [String: Double?]

        public init(name: String, values: [String: Double?]) {
            self.name = name
            self.values = values
        }
    }

    public struct Table: Codable, Equatable, Sendable {
        public var title: String
        public var columns: [String]
        public var rows: [Row]

        public init(title: String, columns: [String], rows: [Row]) {
            self.title = title
            self.columns = columns
            self.rows = rows
        }
    }

    public var tables: [Table]

    public init(tables: [Table]) {
        self.tables = tables
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The tables as aligned text, values to three decimals, `-` for null.
    public var text: String {
        var lines: [String] = []
        for table in tables {
            lines.append(table.title)
            let nameWidth = max(table.rows.map(\.name.count).max() ?? 0, 4)
            let widths = table.columns.map { max($0.count, 6) }
            lines.append("  " + "".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + zip(table.columns, widths).map { $0.0.leftPadded($0.1) }.joined(separator: "  "))
            for row in table.rows {
                let cells = zip(table.columns, widths).map { column, width -> String in
                    let value = row.values[column] ?? nil
                    return (value.map { String(format: "%.3f", $0) } ?? "-").leftPadded(width)
                }
                lines.append("  " + row.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + cells.joined(separator: "  "))
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
