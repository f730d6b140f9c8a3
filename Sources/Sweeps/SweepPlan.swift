import Foundation
import Training

/// Every task of a sweep, as the commands that run it: what `safemcp sweep plan --json` prints
/// for the launchers (tools/sweep.py on Ray, tools/sweep-slurm.sh), so the tasks are the same
/// whichever runs them.
public struct SweepPlan: Codable, Equatable {
    public struct Command: Codable, Equatable {
        /// Arguments of the safemcp binary (the launcher puts its path first).
        public var arguments: [String]
        /// Where the command's stdout goes, if anywhere (written whole when it succeeds).
        public var stdout: String?
    }

    public struct Task: Codable, Equatable {
        /// `variant-seedS`, also the run folder's name.
        public var id: String
        public var variant: String
        public var seed: Int
        public var run: String
        /// Where the task's `safemcp eval --json` goes: the values the table reads.
        public var evaluation: String
        public var commands: [Command]
    }

    public var out: String
    public var threads: Int
    public var variants: [String]
    public var seeds: [Int]
    public var tasks: [Task]

    /// The plan of `file`. Every task's config is resolved here (the base config, then `set`,
    /// the variant's `set` and the seed), so a bad override fails before any task starts.
    public static func make(_ file: SweepFile) throws -> SweepPlan {
        var tasks: [Task] = []
        for variant in file.variants {
            for seed in file.seeds {
                let overrides = file.set + variant.set + ["seed=\(seed)"]
                do {
                    _ = try TrainingJob.loadConfig(URL(fileURLWithPath: file.config), overrides: overrides)
                } catch {
                    throw SweepError("variant \(variant.name), seed \(seed): \(error)")
                }
                let id = "\(variant.name)-seed\(seed)"
                let run = "\(file.out)/\(id)"
                let evaluation = "\(run)/eval-sweep.json"
                let train = ["train", "--config", file.config, "--runs", file.out, "--run", id, "--stage", file.stage]
                    + overrides.flatMap { ["--set", $0] }
                tasks.append(Task(id: id, variant: variant.name, seed: seed, run: run, evaluation: evaluation, commands: [
                    Command(arguments: train, stdout: nil),
                    Command(arguments: ["export", "--run", run, "--out", "\(run)/policy.h5"], stdout: nil),
                    Command(arguments: ["eval", "--run", run] + file.eval + ["--json"], stdout: evaluation),
                ]))
            }
        }
        return SweepPlan(out: file.out, threads: file.threads, variants: file.variants.map(\.name), seeds: file.seeds, tasks: tasks)
    }
}

public struct SweepError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
