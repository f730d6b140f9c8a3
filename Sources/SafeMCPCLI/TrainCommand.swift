import ArgumentParser
import Foundation
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the world model (stage 1), the policy (stage 2) and its RL refinement (stage 3) from a config, into runs/NAME/.",
        discussion: """
        The run folder holds config.yaml (resolved), run.json, metrics.jsonl, metrics.csv, the \
        TensorBoard event file, checkpoints/stage1, stage2 and stage3, and after stage 2 or 3 \
        eval.json: the validation (and test) tables beside the baselines, also printed here. \
        Stage 3 is RL on the labelled steps (GRPO with a KL penalty to the stage-2 policy). \
        Every config key is documented in docs/config.md. Ctrl-C writes a checkpoint, marks the \
        run interrupted and exits with status 130; --resume continues it bit for bit. \
        Training is deterministic for a seed and a fixed OPENBLAS_NUM_THREADS.
        Example: safemcp train --config configs/safemcp-stage2.yaml --run s2 --set stage2.steps=500
        """
    )

    @Option(name: .long, help: "The config file (YAML).")
    var config: String

    @Option(name: .long, help: "Which stages: 1, 2, 3 or all. Stage 2 or 3 alone uses the finished earlier stages of the same run (with --resume).")
    var stage: StageSelection = .all

    @Option(name: .customLong("run"), help: "The run's name, a folder under --runs (default: the config file's name).")
    var runName: String?

    @Option(name: .long, help: "The folder that holds runs.")
    var runs = "runs"

    @Flag(name: .long, help: "Continue the run from its newest good checkpoint.")
    var resume = false

    @Option(name: .customLong("set"), help: "Override a config key: --set stage2.learningRate=3e-4 (repeatable).")
    var overrides: [String] = []

    @Flag(name: .long, help: "Print the evaluation as one JSON object on stdout instead of the table.")
    var json = false

    func run() throws {
        let interrupt = InterruptFlag()
        interrupt.install()
        let request = TrainingRequest(
            configURL: URL(fileURLWithPath: config), overrides: overrides,
            stages: stage, runName: runName, runsRoot: URL(fileURLWithPath: runs),
            resume: resume, command: (["safemcp"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
        let result: TrainingResult
        do {
            result = try TrainingJob.run(request, interrupt: interrupt) { line in
                FileHandle.standardError.write(Data("train: \(line)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("train: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if result.status == .interrupted {
            FileHandle.standardError.write(Data("train: interrupted; continue with --resume\n".utf8))
            throw ExitCode(130)
        }
        guard let evaluation = result.evaluation else { return }
        if json {
            print(String(decoding: try evaluation.jsonData(), as: UTF8.self))
        } else {
            print(evaluation.text, terminator: "")
        }
    }
}

extension StageSelection: ExpressibleByArgument {}
