import ArgumentParser
import Environments
import Evaluation
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the parts of a sharded `envs rollout` or `eval` and print (and write) what one process gives.",
        discussion: """
        DIR holds part-I-of-N.json, one per shard, written by `--shard I/N --parts DIR`. Every \
        shard must be there, and written by the same command (same suites, defense, episodes, \
        seed): a missing or foreign part is an error naming the file. The episodes are joined in \
        shard order, so the table, the --json object and the --record file are byte for byte \
        those of the same command run unsharded. A rollout's --record file is written here; an \
        OUT.h5 is embedded here, with the encoder options below.
        Example: safemcp envs rollout --suite toolemu --policy rules --shard 0/2 --parts runs/parts \
        && safemcp envs rollout --suite toolemu --policy rules --shard 1/2 --parts runs/parts \
        && safemcp merge runs/parts
        """)

    @Argument(help: "The folder of parts.")
    var directory: String

    @OptionGroup(title: "Embedding (for a rollout's --record OUT.h5)") var encoding: EncoderOptions

    @Flag(name: .long, help: "Print one JSON object on stdout, as the sharded command's --json does.")
    var json = false

    func run() throws {
        let (kind, files) = try ShardParts.files(in: directory)
        switch kind {
        case RolloutPart.kind:
            let parts = try ShardParts.read(RolloutPart.self, files: files, facts: \.facts)
            try EnvsCommand.Rollout.finish(RolloutPart.merged(parts), encoding: encoding, json: json)
        case EvaluationPart.kind:
            let parts = try ShardParts.read(EvaluationPart.self, files: files, facts: \.facts)
            try EvalCommand.printResult(EvaluationPart.merged(parts).assembled(), json: json)
        default:
            throw ShardPartsError("\(files[0].path): parts of \"\(kind)\", which safemcp merge does not know (expected \(RolloutPart.kind) or \(EvaluationPart.kind))")
        }
    }
}
