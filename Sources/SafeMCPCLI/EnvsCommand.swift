import ArgumentParser
import EmulatorPolicy
import Environments
import Episodes
import Evaluation
import Foundation
import Metrics
import PolicyRuntime
import PublicSuites

struct EnvsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "List, validate, roll out, import and generate the emulated environments (suites in envs/).",
        subcommands: [List.self, Validate.self, Rollout.self, Import.self, Generate.self]
    )

    struct SuiteDirectory: ParsableArguments {
        @Option(name: .long, help: "Folder holding the suites.")
        var envsDir = "envs"

        /// Folders with a suite.yaml, by name.
        func suiteNames() throws -> [String] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: envsDir) else {
                throw EnvsError("\(envsDir): no such folder (pass --envs-dir)")
            }
            return names.filter { FileManager.default.fileExists(atPath: "\(envsDir)/\($0)/suite.yaml") }.sorted()
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the suites with their task counts by kind and domain.")

        @OptionGroup var directory: SuiteDirectory

        @Flag(name: .long, help: "Print one JSON object on stdout.")
        var json = false

        struct Row: Encodable {
            let suite: String
            let tasks: Int
            let byKind: [String: Int]
            let byDomain: [String: Int]
            let evaluationOnly: Bool
            let trainOnly: Bool
            let issues: Int
        }

        func run() throws {
            let rows = try directory.suiteNames().map { name -> Row in
                let (suite, issues) = SuiteLoader.read(directory: "\(directory.envsDir)/\(name)")
                let tasks = suite?.tasks ?? []
                return Row(suite: name, tasks: tasks.count,
                           byKind: Dictionary(grouping: tasks, by: \.kind.rawValue).mapValues(\.count),
                           byDomain: Dictionary(grouping: tasks, by: \.domain).mapValues(\.count),
                           evaluationOnly: suite?.evaluationOnly ?? false, trainOnly: suite?.trainOnly ?? false, issues: issues.count)
            }
            if json {
                try printJSON(["suites": rows])
                return
            }
            for row in rows {
                let kinds = row.byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                let domains = row.byDomain.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                let flags = (row.evaluationOnly ? " [evaluation only]" : "") + (row.trainOnly ? " [train only]" : "") + (row.issues > 0 ? " [\(row.issues) validation errors]" : "")
                print("\(row.suite): \(row.tasks) tasks (\(kinds))\(flags)")
                print("  domains: \(domains)")
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check suites against envs/FORMAT.md; print every error and exit non-zero if any.")

        @OptionGroup var directory: SuiteDirectory

        @Option(name: .long, help: "Validate only this suite.")
        var suite: String?

        @Flag(name: .long, help: "Print one JSON object on stdout.")
        var json = false

        func run() throws {
            let names = try suite.map { [$0] } ?? directory.suiteNames()
            var report: [String: [String]] = [:]
            for name in names {
                let (_, issues) = SuiteLoader.read(directory: "\(directory.envsDir)/\(name)")
                report[name] = issues.map(\.description)
            }
            let total = report.values.map(\.count).reduce(0, +)
            if json {
                struct Output: Encodable { let valid: Bool; let errors: [String: [String]] }
                try printJSON(Output(valid: total == 0, errors: report))
            } else {
                for name in names {
                    let issues = report[name] ?? []
                    print(issues.isEmpty ? "\(name): ok" : "\(name): \(issues.count) error\(issues.count == 1 ? "" : "s")")
                    for issue in issues { print("  \(issue)") }
                }
            }
            if total > 0 { throw ExitCode(1) }
        }
    }

    struct Rollout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run emulated episodes against a defense and print Safety, Utility, Libra, Harm@k and over-blocking.",
            discussion: """
            Policies: none (no defense in the loop), allow-all (a defense that passes every tool and \
            allows every call: same numbers as none), withhold-all (withholds every tool), rules \
            (static deny list of dangerous tool names, see DenyList.swift), or a policy bundle \
            B.h5 written by `safemcp export` (its full policy, acting as both tiers). Over-blocking \
            compares with the same episodes run without a defense.
            """)

        @OptionGroup var directory: SuiteDirectory

        @Option(name: .long, help: "Suite in the envs folder (repeatable; default: all).")
        var suite: [String] = []

        @Option(name: .long, help: "Build the suite from public data instead (a file or folder, with --format).")
        var from: String?

        @Option(name: .long, help: "Format of --from.")
        var format: PublicSuiteFormat?

        @Option(name: .long, help: "The defense in the loop: none, allow-all, withhold-all, rules, or a policy bundle B.h5.")
        var policy = BuiltinDefense.none.rawValue

        @Option(name: .long, help: "Which tasks of each suite: train, held-out or all (envs/FORMAT.md \"Held-out tasks\").")
        var split: SuiteSplit = .all

        @Option(name: .customLong("held-out-fraction"), help: "Share of each kind of task held out by --split.")
        var heldOutFraction = SuiteSplit.defaultHeldOutFraction

        @Option(name: .long, help: "Episodes per suite.")
        var episodes = 1000

        @Option(name: .long, help: "Seed of the run.")
        var seed: UInt64 = 0

        @Option(name: .long, help: "Write the executed episodes for stage 1: OUT.h5 (a dataset with embeddings, docs/episodes.md) or OUT.jsonl (episode lines).")
        var record: String?

        @OptionGroup(title: "Embedding (for --record OUT.h5)") var encoding: EncoderOptions

        @Option(name: .long, help: "Run only shard I of N (I/N, 0-based): a contiguous share of each suite's episodes, in whole batches. Needs --parts.")
        var shard: String?

        @Option(name: .long, help: "With --shard: the folder the shard writes its part to (part-I-of-N.json: episode results and, with --record, the episodes); `safemcp merge DIR` then prints the table and writes --record as one process would.")
        var parts: String?

        @Flag(name: .long, help: "Print one JSON object on stdout.")
        var json = false

        func validate() throws {
            if from != nil && format == nil { throw ValidationError("--from needs --format") }
            if from != nil && !suite.isEmpty { throw ValidationError("give --suite or --from, not both") }
            if episodes < 1 { throw ValidationError("--episodes must be at least 1") }
            if !(0...1).contains(heldOutFraction) { throw ValidationError("--held-out-fraction must be in 0...1") }
            if (shard == nil) != (parts == nil) { throw ValidationError("--shard and --parts go together: each shard writes its part to the --parts folder") }
            if let shard { _ = try RolloutShard(parsing: shard) }
            if BuiltinDefense(rawValue: policy) == nil && !policy.hasSuffix(".h5") {
                throw ValidationError("--policy: expected \(BuiltinDefense.allCases.map(\.rawValue).joined(separator: ", ")) or a policy bundle (.h5), found \"\(policy)\"")
            }
        }

        /// A built-in defense, or the full policy of a bundle with the encoder it names.
        func makeDefense() throws -> DefensePolicy? {
            if let builtin = BuiltinDefense(rawValue: policy) { return builtin.make() }
            let runtime = try PolicyRuntime(contentsOf: URL(fileURLWithPath: policy), encoderDirectory: encoding.encoderDir)
            return LearnedDefense(runtime: runtime, name: policy)
        }

        struct Row: Encodable {
            let suite: String
            let split: String
            let tasks: Int
            let policy: String
            let evaluationOnly: Bool
            let metrics: SuiteMetrics
        }

        func run() throws {
            var suites: [Suite] = []
            if let from, let format {
                let imported = try format.importSuite(from: from)
                log("envs rollout: imported \(imported.suite.tasks.count) tasks from \(from)")
                for line in imported.summary { log("  \(line)") }
                suites = [imported.suite]
            } else {
                let names = suite.isEmpty ? try directory.suiteNames() : suite
                suites = try names.map { try SuiteLoader.load(directory: "\(directory.envsDir)/\($0)") }
            }
            suites = suites.map { $0.restricted(to: split, heldOutFraction: heldOutFraction) }
            if split == .heldOut, let generated = suites.first(where: \.trainOnly) {
                throw EnvsError("\(generated.name) is train-only: it holds out no tasks (roll it out with --split train or all)")
            }
            if record != nil, let guarded = suites.first(where: \.evaluationOnly) {
                throw EnvsError("\(guarded.name) is evaluation-only (AgentHarm terms): its episodes are not recorded, so they cannot reach training data")
            }
            let shard = try self.shard.map(RolloutShard.init(parsing:)) ?? .whole
            let range = shard.episodes(of: episodes)
            let defense = try makeDefense()
            var suiteParts: [RolloutPart.SuitePart] = []
            for suite in suites {
                let compiled = try CompiledSuite(suite)
                let results = Environments.Rollout.run(compiled, defense: defense, episodes: range, seed: seed)
                let reference = Environments.Rollout.reference(compiled, episodes: range, seed: seed)
                suiteParts.append(RolloutPart.SuitePart(
                    name: suite.name, tasks: suite.tasks.count, evaluationOnly: suite.evaluationOnly, maxAttempts: suite.maxAttempts,
                    results: results, reference: reference, recorded: record == nil ? nil : results.map { $0.episode(in: compiled) }))
            }
            let facts = RolloutPart.Facts(policy: policy, split: split.rawValue, heldOutFraction: heldOutFraction, episodes: episodes, seed: seed,
                                          suites: suites.map(\.name), record: record)
            let part = RolloutPart(shard: shard, facts: facts, suites: suiteParts)
            if let parts {
                try ShardParts.write(part, shard: shard, to: parts)
                log("envs rollout: shard \(shard): episodes \(range.lowerBound)..<\(range.upperBound) of \(episodes) per suite in \(parts)/\(ShardParts.fileName(of: shard)); "
                    + "`safemcp merge \(parts)` joins the parts")
                return
            }
            try Self.finish(part, encoding: encoding, json: json)
        }

        /// The table (and the recorded episodes) of a whole run: one process's, or the parts of
        /// a sharded run joined by `safemcp merge`, so both give the same bytes.
        static func finish(_ part: RolloutPart, encoding: EncoderOptions, json: Bool) throws {
            let rows = part.suites.map { suite in
                Row(suite: suite.name, split: part.facts.split, tasks: suite.tasks, policy: part.facts.policy, evaluationOnly: suite.evaluationOnly,
                    metrics: EpisodeMetrics.compute(suite.results, reference: suite.reference, maxAttempts: suite.maxAttempts))
            }
            if let record = part.facts.record {
                let recorded = part.suites.flatMap { $0.recorded ?? [] }
                let url = URL(fileURLWithPath: record)
                if url.pathExtension == "jsonl" {
                    try EpisodeLines.write(recorded, to: url)
                } else {
                    try encoding.writeDataset(recorded, to: url) { log("envs rollout: \($0)") }
                }
                log("envs rollout: wrote \(recorded.count) episodes to \(record)")
            }
            if json {
                try printJSON(["results": rows])
                return
            }
            let header = ["suite", "policy", "episodes", "safety", "utility", "libra", "over-block", "critical", "harm@1..k"]
            let table = rows.map { row -> [String] in
                let m = row.metrics
                let split = row.split == SuiteSplit.all.rawValue ? "" : " [\(row.split), \(row.tasks) tasks]"
                return [row.suite + split + (row.evaluationOnly ? " (eval only)" : ""), row.policy, String(m.episodes),
                        decimal(m.safety), decimal(m.utility), decimal(m.libra), m.overBlocking.map(decimal) ?? "n/a",
                        decimal(m.criticalReached), m.harmAtK.map(decimal).joined(separator: " ")]
            }
            let widths = header.indices.map { column in ([header] + table).map { $0[column].count }.max() ?? 0 }
            for line in [header] + table {
                let padded = zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                print(padded.replacingOccurrences(of: " +$", with: "", options: .regularExpression))
            }
        }

        private static func decimal(_ value: Double) -> String { String(format: "%.3f", value) }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a suite from public data and write it as a suite folder.")

        @Option(name: .long, help: "The public data file or folder.")
        var from: String

        @Option(name: .long, help: "Format of --from.")
        var format: PublicSuiteFormat

        @Option(name: .long, help: "Folder to write (suite.yaml and tasks/).")
        var out: String

        @Flag(name: .long, help: "Print one JSON object on stdout.")
        var json = false

        func run() throws {
            var imported = try format.importSuite(from: from)
            imported.suite.name = (out as NSString).lastPathComponent
            try SuiteWriter.write(imported.suite, to: out)
            if json {
                struct Output: Encodable { let suite: String; let tasks: Int; let out: String; let summary: [String] }
                try printJSON(Output(suite: imported.suite.name, tasks: imported.suite.tasks.count, out: out, summary: imported.summary))
            } else {
                print("wrote \(imported.suite.tasks.count) tasks to \(out)")
                for line in imported.summary { print("  \(line)") }
            }
        }
    }
}

extension EnvsCommand {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a train-only suite of twin tasks over renamed real tool schemas (domain randomisation).",
            discussion: """
            Each risky task has a benign twin offering the same tools: the tool the risky task \
            misuses is the one the twin uses as asked, so only the arguments and the instruction \
            tell them apart. Tools come from ../shared/data (toolsets/*.json without the AgentHarm \
            conversions, toolemu/all_toolkits.json) and the powerseeking and toolemu suites, each \
            concept under many names and paraphrased descriptions. The suite is marked train_only: \
            nothing is held out and `safemcp eval` leaves it out. The same --seed gives the same \
            files, byte for byte.
            Example: safemcp envs generate --seed 7 --count 3000 --out runs/generated
            """)

        @OptionGroup var directory: SuiteDirectory

        @Option(name: .long, help: "Seed of every random choice.")
        var seed: UInt64 = 7

        @Option(name: .long, help: "Tasks to generate (twin pairs; an odd count ends with a risky task alone).")
        var count = 3000

        @Option(name: .long, help: "Folder to write (suite.yaml and tasks/); its name is the suite's name. Must not exist.")
        var out: String

        @Option(name: .long, help: "The public data folder (holding SOURCES.md, toolsets/ and toolemu/).")
        var data = "../shared/data"

        @Option(name: .customLong("names-per-concept"), help: "Names each tool concept is offered under across the suite.")
        var namesPerConcept = 12

        @Flag(name: .long, help: "Print one JSON object on stdout.")
        var json = false

        func validate() throws {
            if count < 1 { throw ValidationError("--count must be at least 1") }
            if namesPerConcept < 1 { throw ValidationError("--names-per-concept must be at least 1") }
        }

        func run() throws {
            let started = Date()
            let schemas = try ToolSchemaLibrary.load(dataDirectory: data, envsDirectory: directory.envsDir)
            let config = TaskGenerator.Config(seed: seed, count: count, name: (out as NSString).lastPathComponent, namesPerConcept: namesPerConcept)
            let suite = try TaskGenerator.generate(config, schemas: schemas) { log("envs generate: \($0)") }
            log("envs generate: \(suite.tasks.count) tasks valid, \(suite.tools.count) tools; writing \(out)")
            try SuiteWriter.write(suite, to: out)
            let seconds = Date().timeIntervalSince(started)
            if json {
                struct Output: Encodable { let suite: String; let tasks: Int; let tools: Int; let byDomain: [String: Int]; let out: String; let seconds: Double }
                try printJSON(Output(suite: suite.name, tasks: suite.tasks.count, tools: suite.tools.count,
                                     byDomain: Dictionary(grouping: suite.tasks, by: \.domain).mapValues(\.count), out: out, seconds: seconds))
            } else {
                print("wrote \(suite.tasks.count) tasks (\(suite.tools.count) tools) to \(out) in \(String(format: "%.1f", seconds)) s")
            }
        }
    }
}

enum BuiltinDefense: String, ExpressibleByArgument, CaseIterable {
    case none
    case allowAll = "allow-all"
    case withholdAll = "withhold-all"
    case rules

    func make() -> DefensePolicy? {
        switch self {
        case .none: return nil
        case .allowAll: return AllowAllDefense()
        case .withholdAll: return WithholdAllDefense()
        case .rules: return RuleDefense()
        }
    }
}

extension SuiteSplit: ExpressibleByArgument {}

extension PublicSuiteFormat: ExpressibleByArgument {}

struct EnvsError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

private func log(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

private func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
