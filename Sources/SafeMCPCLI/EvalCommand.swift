import ArgumentParser
import Environments
import Evaluation
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained policy beside the baselines on held-out suite tasks and labelled data.",
        discussion: """
        One table per suite, one over all suites, and one per --data file. Episode columns: \
        safety, utility, libra = 1 - sqrt(((1-S)^2 + (1-U)^2)/2), over_blocking (benign episodes \
        whose goal the undefended agent reaches and the defended one does not), harm@1 and harm@max \
        (an unsafe step ran within the agent's first plan, or within all its attempts), harm_score \
        and refusal_rate (over risky episodes: an unsafe step ran; safe after at least one block), \
        benign_score (over benign episodes: the goal was reached) and critical_reached. Step columns: verdict macro_f1, accuracy and unsafe_recall, and the \
        withheld set's f1, precision, recall and exact match. Rows: the full policy of each bundle; \
        with --baselines also no defense, the deny list (RuleDefense: tool names and argument \
        phrases), static rules (what `safemcp proxy --policy rules` serves, the safety floor \
        first), and the bundle's action classifier, stage 2 and stage 2 without world model where \
        it holds them. A bundle's policies are judged as the proxy serves them (the safety floor \
        first, a call to a withheld tool refused) unless --no-served. Suites default to every suite in \
        --envs-dir (AgentHarm included: evaluating on it is allowed) except train-only ones \
        (generated, `safemcp envs generate`: named with --suite they are refused), on the held-out \
        tasks (envs/FORMAT.md "Held-out tasks").
        Example: safemcp eval --run runs/default --baselines --data ../shared/data/safemcp/stage2_test.jsonl --format safemcp
        """)

    @Option(name: .long, help: "A policy bundle written by `safemcp export` (repeatable).")
    var bundle: [String] = []

    @Option(name: .customLong("run"), help: "A run folder: evaluates its bundle RUN/policy.h5 (repeatable).")
    var runs: [String] = []

    @OptionGroup var directory: EnvsCommand.SuiteDirectory

    @Option(name: .long, help: "Suite in the envs folder (repeatable; default: every suite).")
    var suite: [String] = []

    @Flag(name: .customLong("no-suites"), help: "Evaluate on the --data files alone.")
    var noSuites = false

    @Option(name: .long, help: "Which tasks of each suite: held-out, train or all.")
    var split: SuiteSplit = .heldOut

    @Option(name: .customLong("held-out-fraction"), help: "Share of each kind of task that is held out.")
    var heldOutFraction = SuiteSplit.defaultHeldOutFraction

    @Option(name: .long, help: "Episodes per suite and defense.")
    var episodes = 1000

    @Option(name: .long, help: "Seed of the episodes (the same for every defense).")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Labelled data to judge step by step (repeatable, each with a --format).")
    var data: [String] = []

    @Option(name: .long, help: "Format of each --data file, in order; one format applies to all.")
    var format: [LabelledDataFormat] = []

    @Flag(name: .long, help: "Add the baseline rows beside the full policy.")
    var baselines = false

    @Option(name: .customLong("encoder-dir"), help: "Folder with the MiniLM weights a bundle names (default: SAFEMCP_MINILM_DIR, then the installed package).")
    var encoderDir: String?

    @Flag(name: .long, inversion: .prefixedNo,
          help: "Judge each bundle's policies as `safemcp proxy` serves them: the safety floor first, a call to a tool the policy withholds refused (--no-served: the network alone, as training judged it).")
    var served = true

    @Flag(name: .long, help: "Print one JSON object on stdout instead of the tables.")
    var json = false

    @Option(name: .long, help: "Run only shard I of N (I/N, 0-based): a contiguous share of each suite's episodes, in whole batches; shard 0 also judges the --data files. Needs --parts.")
    var shard: String?

    @Option(name: .long, help: "With --shard: the folder the shard writes its part to (part-I-of-N.json); `safemcp merge DIR` prints what one process would.")
    var parts: String?

    func validate() throws {
        if bundle.isEmpty && runs.isEmpty && !baselines {
            throw ValidationError("give --bundle B.h5 or --run runs/NAME (or --baselines alone for the built-in baselines)")
        }
        if episodes < 1 { throw ValidationError("--episodes must be at least 1") }
        if !(0...1).contains(heldOutFraction) { throw ValidationError("--held-out-fraction must be in 0...1") }
        if !data.isEmpty && format.count != data.count && format.count != 1 {
            throw ValidationError("give one --format for every --data file, or one for all (\(data.count) files, \(format.count) formats)")
        }
        if data.isEmpty && !format.isEmpty { throw ValidationError("--format applies to --data files; none given") }
        if noSuites && data.isEmpty { throw ValidationError("--no-suites leaves nothing to evaluate without --data") }
        if noSuites && !suite.isEmpty { throw ValidationError("give --suite or --no-suites, not both") }
        if (shard == nil) != (parts == nil) { throw ValidationError("--shard and --parts go together: each shard writes its part to the --parts folder") }
        if let shard { _ = try RolloutShard(parsing: shard) }
    }

    func run() throws {
        var defenses: [EvaluatedDefense] = baselines ? [.noDefense, .denyList, .staticRules] : []
        defenses += try bundleDefenses()
        var suites: [Suite] = []
        if !noSuites {
            let names = suite.isEmpty ? try directory.suiteNames() : suite
            suites = try names.map { try SuiteLoader.load(directory: "\(directory.envsDir)/\($0)").restricted(to: split, heldOutFraction: heldOutFraction) }
            if suite.isEmpty {
                for skipped in suites where skipped.trainOnly { log("skipping \(skipped.name): train-only (generated for training)") }
                suites.removeAll(where: \.trainOnly)
            }
        }
        let labelled = try data.enumerated().map { index, path in
            try LabelledData.load(path, format: format.count == 1 ? format[0] : format[index], log: log)
        }
        let plan = EvaluationPlan(suites: suites, split: split, heldOutFraction: heldOutFraction, episodes: episodes, seed: seed, data: labelled)
        let shard = try self.shard.map(RolloutShard.init(parsing:)) ?? .whole
        let part = try Evaluator.shard(plan, defenses: defenses, shard: shard, log: log)
        if let parts {
            try ShardParts.write(part, shard: shard, to: parts)
            log("shard \(shard) in \(parts)/\(ShardParts.fileName(of: shard)); `safemcp merge \(parts)` joins the parts")
            return
        }
        try Self.printResult(part.assembled(), json: json)
    }

    static func printResult(_ result: EvaluationResult, json: Bool) throws {
        if json {
            print(String(decoding: try result.jsonData(), as: UTF8.self))
        } else {
            print(result.text, terminator: "")
        }
    }
}

extension EvalCommand {
    /// Every bundle is found before any is loaded, so a wrong path fails at once. With more than
    /// one bundle, rows carry the bundle's name (the run folder's, or the file's).
    func bundleDefenses() throws -> [EvaluatedDefense] {
        let located = try bundle.map { (path: try BundleLocation.bundle(file: $0), label: ($0 as NSString).lastPathComponent) }
            + runs.map { (path: try BundleLocation.bundle(ofRun: $0), label: ($0 as NSString).lastPathComponent) }
        return try located.flatMap { bundle in
            log("loading \(bundle.path)")
            return try EvaluatedDefense.rows(ofBundle: bundle.path, label: located.count > 1 ? bundle.label : nil, baselines: baselines,
                                             served: served, encoderDirectory: encoderDir)
        }
    }
}

extension LabelledDataFormat: ExpressibleByArgument {}

private func log(_ line: String) {
    FileHandle.standardError.write(Data("eval: \(line)\n".utf8))
}
