import DurableFiles
import Evaluation
import Foundation

/// The sweep's one table: for every evaluation table, variant and row (defense), each column's
/// value per seed with its mean and standard deviation over the seeds. Written as `sweep.json`
/// and printed as text.
public struct SweepTable: Codable, Equatable {
    public struct Statistic: Codable, Equatable {
        /// One value per seed, in the sweep's seed order (nil where the column has none).
        public var perSeed: [Double?]
        /// Over the seeds that have a value.
        public var mean: Double?
        /// Sample standard deviation (n − 1); nil with fewer than two values.
        public var std: Double?

        enum CodingKeys: String, CodingKey {
            case perSeed = "per_seed"
            case mean, std
        }

        init(_ values: [Double?]) {
            perSeed = values
            let present = values.compactMap { $0 }
            mean = present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
            if let mean, present.count > 1 {
                std = (present.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(present.count - 1)).squareRoot()
            } else {
                std = nil
            }
        }
    }

    public struct Row: Codable, Equatable {
        public var variant: String
        public var name: String
        public var values: [String: Statistic]
    }

    public struct Table: Codable, Equatable {
        public var title: String
        public var columns: [String]
        public var rows: [Row]
    }

    public var variants: [String]
    public var seeds: [Int]
    /// The task folders the values come from, `variant-seedS`.
    public var tasks: [String]
    public var tables: [Table]

    /// Reads every task's evaluation; a task not finished is an error naming it, so a table is
    /// never silently short of a seed.
    public static func make(_ plan: SweepPlan) throws -> SweepTable {
        let missing = plan.tasks.filter { !FileManager.default.fileExists(atPath: $0.evaluation) }
        guard missing.isEmpty else {
            throw SweepError("\(missing.count) of \(plan.tasks.count) tasks have no evaluation yet: "
                + missing.map { "\($0.id) (\($0.evaluation))" }.joined(separator: ", "))
        }
        var results: [String: EvaluationResult] = [:]
        for task in plan.tasks {
            do {
                results[task.id] = try JSONDecoder().decode(EvaluationResult.self, from: Data(contentsOf: URL(fileURLWithPath: task.evaluation)))
            } catch {
                throw SweepError("\(task.evaluation): not an evaluation written by safemcp eval --json (\(error))")
            }
        }
        let first = results[plan.tasks[0].id]!
        var tables: [Table] = []
        for (index, template) in first.tables.enumerated() {
            var rows: [Row] = []
            for variant in plan.variants {
                let tasks = plan.tasks.filter { $0.variant == variant }
                let evaluations = tasks.map { results[$0.id]! }
                for (task, evaluation) in zip(tasks, evaluations) where evaluation.tables.count != first.tables.count
                    || evaluation.tables[index].title != template.title {
                    throw SweepError("\(task.evaluation): its tables differ from \(plan.tasks[0].evaluation)'s (table \(index + 1): "
                        + "\"\(evaluation.tables.indices.contains(index) ? evaluation.tables[index].title : "none")\" against \"\(template.title)\")")
                }
                for rowName in evaluations[0].tables[index].rows.map(\.name) {
                    var values: [String: Statistic] = [:]
                    for column in template.columns {
                        let perSeed = try zip(tasks, evaluations).map { task, evaluation -> Double? in
                            guard let row = evaluation.tables[index].rows.first(where: { $0.name == rowName }) else {
                                throw SweepError("\(task.evaluation): table \"\(template.title)\" has no row \"\(rowName)\"")
                            }
                            return row.values[column] ?? nil
                        }
                        values[column] = Statistic(perSeed)
                    }
                    rows.append(Row(variant: variant, name: rowName, values: values))
                }
            }
            tables.append(Table(title: template.title, columns: template.columns, rows: rows))
        }
        return SweepTable(variants: plan.variants, seeds: plan.seeds, tasks: plan.tasks.map(\.id), tables: tables)
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try DurableFile.write(try encoder.encode(self), to: url)
    }

    /// The columns shown when none are asked for: the headline ones of episode and step tables.
    public static let defaultColumns = ["libra", "safety", "utility", "over_blocking", "macro_f1", "accuracy", "unsafe_recall", "withheld_f1"]

    /// Each table as aligned text, "mean ± std" per cell, the columns of `columns` it has.
    public func text(columns: [String] = SweepTable.defaultColumns) -> String {
        var out = ""
        for table in tables {
            let shown = columns.filter(table.columns.contains)
            guard !shown.isEmpty else { continue }
            out += "\(table.title) — mean ± std over \(seeds.count) seed\(seeds.count == 1 ? "" : "s") (\(seeds.map(String.init).joined(separator: ", ")))\n"
            let header = ["defense"] + shown
            let lines = table.rows.map { row in
                [variants.count > 1 ? "[\(row.variant)] \(row.name)" : row.name] + shown.map { column in
                    guard let statistic = row.values[column], let mean = statistic.mean else { return "–" }
                    return String(format: "%.3f", mean) + (statistic.std.map { String(format: " ± %.3f", $0) } ?? "")
                }
            }
            let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
            for line in [header] + lines {
                out += zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .replacingOccurrences(of: " +$", with: "", options: .regularExpression) + "\n"
            }
            out += "\n"
        }
        return out
    }
}
