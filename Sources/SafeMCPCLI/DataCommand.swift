import ArgumentParser
import Datasets
import Episodes
import Foundation
import Importers
import TextEncoder

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Import recorded trajectories into a dataset, and inspect datasets.",
        subcommands: [Import.self, Inspect.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read trajectories in a public format, or the proxy's audit log, and write them as a dataset.",
            discussion: """
            A row that cannot be read is dropped and named (file:line and reason); the others are \
            imported. The summary counts the rows read, imported and dropped, by reason, per file.

            The HDF5 dataset holds every text part beside its embedding by --encoder; `--out` \
            ending in .jsonl writes the canonical episode lines (docs/episodes.md) instead, without \
            embeddings. AgentHarm episodes are marked evaluation-only, and so are SafeMCP rows \
            whose every tool is one of AgentHarm's functions (read from --toolsets): training \
            leaves them out. `--format audit` reads \
            `safemcp proxy --audit` logs: one episode per session and task, labels from the \
            proxy's verdicts (docs/audit-log.md).

            Example: safemcp data import --format safemcp ../shared/data/safemcp/stage2_train.jsonl --out stage2.h5
            """
        )

        @Option(name: .long, help: "The input format.")
        var format: ImportFormat

        @Argument(help: "Input files (toolemu: cases, toolkits and trajectory logs together), or folders (powerseeking, toolemu, agentharm: every file of the format in it, recognised by content).")
        var inputs: [String]

        @Option(name: .long, help: "The dataset to write: D.h5 (HDF5) or D.jsonl (episode lines).")
        var out: String

        @OptionGroup var encoding: EncoderOptions

        @Option(name: .long, help: "agentharm and safemcp: the folder of tool libraries, whose Benign* and Harmful* files are AgentHarm's functions (default: toolsets/ beside the input's folder).")
        var toolsets: String?

        @Flag(name: .long, help: "Print one JSON object on stdout instead of the table.")
        var json = false

        func run() throws {
            let result = Importer.run(format, inputs: inputs.map { URL(fileURLWithPath: $0) },
                                      toolsets: toolsets.map { URL(fileURLWithPath: $0) })
            for issue in result.summary.issues { log("dropped \(issue)") }
            for file in result.summary.files {
                for warning in file.warnings { log("warning: \(file.path): \(warning)") }
            }
            let outURL = URL(fileURLWithPath: out)
            if outURL.pathExtension == "jsonl" {
                try EpisodeLines.write(result.episodes, to: outURL)
            } else {
                try encoding.writeDataset(result.episodes, to: outURL, log: log)
            }
            if json {
                struct Output: Encodable {
                    let out: String
                    let episodes: Int
                    let summary: ImportSummary
                }
                print(try jsonText(Output(out: out, episodes: result.episodes.count, summary: result.summary)))
            } else {
                print(SummaryTable(result.summary).render())
                print("wrote \(result.episodes.count) episodes to \(out)")
            }
            if result.episodes.isEmpty { throw ExitCode.failure }
        }

    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count what a dataset holds: episodes by source, steps by label, tool and risk type.",
            discussion: "Example: safemcp data inspect stage2.h5 --json"
        )

        @Argument(help: "A dataset written by `safemcp data import` (.h5 or .jsonl).")
        var dataset: String

        @Flag(name: .long, help: "Print one JSON object on stdout instead of the table.")
        var json = false

        func run() throws {
            let url = URL(fileURLWithPath: dataset)
            let statistics: DatasetStatistics
            if url.pathExtension == "jsonl" {
                let (episodes, badLines) = try EpisodeLines.read(url)
                for bad in badLines { log("skipped \(bad)") }
                statistics = DatasetStatistics(episodes)
            } else {
                let reader = try DatasetReader(url)
                statistics = DatasetStatistics(try reader.episodes(), encoder: reader.encoderID,
                                               embeddingDimension: reader.embeddingDimension)
                try reader.close()
            }
            print(json ? try jsonText(statistics) : StatisticsTable(statistics).render())
        }
    }
}

extension ImportFormat: ExpressibleByArgument {}

private func log(_ line: String) {
    FileHandle.standardError.write(Data("data: \(line)\n".utf8))
}

private func jsonText<Value: Encodable>(_ value: Value) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// The import summary for people: one line per file, then the drop and repair counts.
struct SummaryTable {
    let summary: ImportSummary

    init(_ summary: ImportSummary) {
        self.summary = summary
    }

    func render() -> String {
        var lines = ["file\tread\timported\tdropped"]
        for file in summary.files {
            lines.append("\(file.path)\t\(file.rowsRead)\t\(file.imported)\t\(file.dropped)")
            for (reason, count) in file.droppedByReason.sorted(by: { $0.key < $1.key }) {
                lines.append("  dropped \(reason): \(count)")
            }
            for (kind, count) in file.recovered.sorted(by: { $0.key < $1.key }) {
                lines.append("  repaired \(kind): \(count)")
            }
            if file.evaluationOnly > 0 { lines.append("  evaluation-only (never trained on): \(file.evaluationOnly)") }
        }
        lines.append("total\t\(summary.rowsRead)\t\(summary.imported)\t\(summary.dropped)")
        return lines.joined(separator: "\n")
    }
}

struct StatisticsTable {
    let statistics: DatasetStatistics

    init(_ statistics: DatasetStatistics) {
        self.statistics = statistics
    }

    func render() -> String {
        var lines = [
            "episodes \(statistics.episodes) (evaluation-only \(statistics.evaluationOnlyEpisodes)), steps \(statistics.steps) (pending \(statistics.pendingSteps))",
            "encoder \(statistics.encoder), dimension \(statistics.embeddingDimension)",
        ]
        func section(_ title: String, _ counts: [String: Int], limit: Int = 25) {
            guard !counts.isEmpty else { return }
            lines.append(title)
            let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            for (key, count) in sorted.prefix(limit) { lines.append("  \(count)\t\(key)") }
            if sorted.count > limit { lines.append("  ... \(sorted.count - limit) more (see --json)") }
        }
        section("episodes by source", statistics.episodesBySource)
        section("steps by label", statistics.stepsByLabel)
        section("tasks by label", statistics.tasksByLabel)
        section("steps by risk type", statistics.stepsByRiskType)
        section("steps by tool", statistics.stepsByTool)
        return lines.joined(separator: "\n")
    }
}
