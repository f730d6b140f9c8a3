import ArgumentParser
import Foundation
import Report

struct CurvesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curves",
        abstract: "Summarise a run's curves in the terminal: per tag the last and best values and a sparkline.",
        discussion: """
        Reads metrics.jsonl from the run folder and prints one line per tag: number of points, \
        the last value and its step, the best value and its step, and a sparkline of the whole \
        series (▁ lowest, █ highest). Best is the minimum for losses, errors, KL and over-blocking, \
        none for learning rates and λ, and the maximum for rewards and other metrics. Works over \
        SSH without a browser; `safemcp report` draws the same curves as a page.
        """
    )

    @Argument(help: "The run folder, e.g. runs/default.")
    var runFolder: String

    @Option(name: .long, help: "Characters in each sparkline.")
    var width = 32

    @Flag(name: .long, help: "Print one JSON object on stdout instead of the table.")
    var json = false

    func validate() throws {
        guard width > 0 else { throw ValidationError("--width must be positive, not \(width)") }
    }

    func run() throws {
        let directory = try RunRecord.load(URL(fileURLWithPath: runFolder))
        let summaries = CurveSummary.summaries(of: directory, sparklineWidth: width)
        if json {
            struct Output: Encodable {
                let run: String
                let path: String
                let status: String?
                let missingFiles: [String]
                let tags: [CurveSummary]
                enum CodingKeys: String, CodingKey {
                    case run, path, status, tags
                    case missingFiles = "missing_files"
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let output = Output(run: directory.name, path: directory.url.path, status: directory.facts?.status,
                                missingFiles: directory.missingFiles, tags: summaries)
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        let status = directory.facts?.status.map { ", \($0)" } ?? ""
        print("\(directory.name) (\(directory.url.relativePath)\(status))")
        if summaries.isEmpty {
            print("no scalars logged yet")
        } else {
            print(CurveSummary.table(summaries))
        }
    }
}
