import ArgumentParser
import Foundation
import Sweeps

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Plan a sweep (variants × seeds of a training config) and make its mean ± std table; tools/sweep.py runs it on Ray.",
        discussion: """
        A sweep file (YAML, docs/sweeps.md) names a training config, the sweep folder (out), the \
        seeds, and variants as --set overrides. Each (variant, seed) is one task: train, export \
        and eval into OUT/VARIANT-seedS. `plan` prints the tasks' commands, which the launchers \
        run: tools/sweep.py FILE (a local Ray cluster, or --address for an existing one) and \
        tools/sweep-slurm.sh FILE (a Slurm job array). `table` reads every task's evaluation and \
        prints each table as mean ± std over the seeds for every variant and row, and writes the \
        per-seed values to OUT/sweep.json.
        Example: .venv/bin/python tools/sweep.py sweeps/readme-seeds.yaml
        """,
        subcommands: [Plan.self, Table.self])

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the sweep file, resolve every task's config, and print the tasks and their commands.")

        @Argument(help: "The sweep file (YAML).")
        var file: String

        @Flag(name: .long, help: "Print one JSON object on stdout (what the launchers read).")
        var json = false

        func run() throws {
            let plan = try SweepPlan.make(try SweepFile.load(URL(fileURLWithPath: file)))
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(plan), as: UTF8.self))
                return
            }
            print("\(plan.tasks.count) tasks (\(plan.variants.count) variants × \(plan.seeds.count) seeds) into \(plan.out), OPENBLAS_NUM_THREADS=\(plan.threads)")
            for task in plan.tasks {
                print("\(task.id):")
                for command in task.commands {
                    print("  safemcp " + command.arguments.joined(separator: " ") + (command.stdout.map { " > \($0)" } ?? ""))
                }
            }
        }
    }

    struct Table: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the sweep's tables as mean ± std over seeds and write OUT/sweep.json with the per-seed values.")

        @Argument(help: "The sweep file (YAML).")
        var file: String

        @Option(name: .long, parsing: .upToNextOption, help: "Columns to print (default: \(SweepTable.defaultColumns.joined(separator: " ")); sweep.json has all).")
        var columns: [String] = SweepTable.defaultColumns

        @Flag(name: .long, help: "Print sweep.json's object on stdout instead of the tables.")
        var json = false

        func run() throws {
            let plan = try SweepPlan.make(try SweepFile.load(URL(fileURLWithPath: file)))
            let table = try SweepTable.make(plan)
            let url = URL(fileURLWithPath: plan.out).appendingPathComponent("sweep.json")
            try table.write(to: url)
            FileHandle.standardError.write(Data("sweep: wrote \(url.path)\n".utf8))
            if json {
                print(String(decoding: try Data(contentsOf: url), as: UTF8.self))
            } else {
                print(table.text(columns: columns), terminator: "")
            }
        }
    }
}
