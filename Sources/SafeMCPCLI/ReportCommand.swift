import ArgumentParser
import Foundation
import Report

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page with the curves, evaluation tables, config and facts of runs.",
        discussion: """
        Reads each run folder (layout in docs/runs.md): metrics.jsonl for the curves, run.json, \
        config.yaml and eval.json. Every tag is charted against its stage's step, raw (faint) and \
        smoothed (TensorBoard's debiased moving average), grouped by namespace; several runs are \
        overlaid, one colour each. A file a run has not written yet is noted on the page; a \
        malformed metrics line is an error naming the file and line. The page loads nothing from \
        anywhere and follows the browser's light or dark mode.
        """
    )

    @Argument(help: "Run folders, e.g. runs/default, or a sweep folder (its run folders, `safemcp sweep`). Several runs are drawn on the same charts.")
    var runs: [String]

    @Option(name: .long, help: "Where to write the page (default: report.html in the first run folder).")
    var out: String?

    @Option(name: .long, help: "Smoothing weight of the moving average, from 0 (none) up to but not including 1.")
    var smoothing: Double = 0.6

    @Flag(name: .long, help: "Print one JSON object on stdout (the page written, its runs and tags) instead of the path.")
    var json = false

    /// A run folder (it has run.json) is itself; any other folder, a sweep's, stands for the run
    /// folders directly inside it, in name order.
    static func runFolders(_ path: String) throws -> [String] {
        let manager = FileManager.default
        if manager.fileExists(atPath: "\(path)/run.json") { return [path] }
        let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
        let runs = names.sorted().map { "\(path)/\($0)" }.filter { manager.fileExists(atPath: "\($0)/run.json") }
        guard !runs.isEmpty else { return [path] }
        return runs
    }

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one run folder") }
        guard smoothing >= 0, smoothing < 1 else { throw ValidationError("--smoothing must be at least 0 and below 1, not \(smoothing)") }
    }

    func run() throws {
        let directories = try runs.flatMap(Self.runFolders).map { try RunRecord.load(URL(fileURLWithPath: $0)) }
        let output = out.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: runs[0]).appendingPathComponent("report.html")
        let page = ReportPage(runs: directories, smoothing: smoothing)
        try page.write(to: output)
        for (label, run) in zip(page.labels, directories) where !run.missingFiles.isEmpty {
            FileHandle.standardError.write(Data("report: \(label): not written yet: \(run.missingFiles.joined(separator: ", "))\n".utf8))
        }
        if json {
            struct Output: Encodable {
                let output: String
                let runs: [String]
                let tags: [String]
                let smoothing: Double
                let missingFiles: [String: [String]]
                enum CodingKeys: String, CodingKey {
                    case output, runs, tags, smoothing
                    case missingFiles = "missing_files"
                }
            }
            let tags = Set(directories.flatMap(\.series.keys)).sorted(by: TagDescription.readingOrder)
            let missing = Dictionary(uniqueKeysWithValues: zip(page.labels, directories.map(\.missingFiles)))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let result = Output(output: output.path, runs: page.labels, tags: tags, smoothing: smoothing, missingFiles: missing)
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(output.relativePath)
        }
    }
}
