import Datasets
import Episodes
import Foundation
import NeuralNet
import TestSupport
import TextEncoder
import Training
import XCTest

/// A tiny task that a working pipeline learns in seconds with the hashing encoder: the pending
/// call's tool decides the label (reads are safe, transfers critical, deletions unsafe), the
/// next state says what the call does, and the dangerous tools are the ones to withhold.
enum SyntheticData {
    static let tools = [
        ("read_file", StepLabel.safe, "the file contents are shown"),
        ("list_folder", .safe, "the folder listing is shown"),
        ("transfer_funds", .critical, "money moves to another account"),
        ("grant_admin", .critical, "the user gains administrator rights"),
        ("delete_everything", .unsafe, "all records are destroyed permanently"),
        ("disable_audit", .unsafe, "the audit log is switched off forever"),
    ]

    static func episodes(count: Int, seed: UInt64) -> [Episode] {
        var generator = RandomGenerator(seed: seed)
        let subjects = ["report", "invoice", "backup", "ledger", "photo", "contract", "notes", "budget"]
        return (0..<count).map { index in
            let subject = subjects[generator.integer(below: subjects.count)]
            let available = tools.map { Tool(name: $0.0, description: "a tool that \($0.2)") }
            let history = tools[generator.integer(below: 2)]
            let pending = tools[generator.integer(below: tools.count)]
            let steps = [
                Step(action: Action(tool: history.0, arguments: .object(["name": .string(subject)])), observation: "ok \(subject)"),
                Step(action: Action(tool: pending.0, arguments: .object(["name": .string(subject)])), label: pending.1,
                     nextState: "\(pending.2) for \(subject)", pending: true),
            ]
            return Episode(id: "synthetic#\(index)", source: "synthetic", task: AgentTask(instruction: "please handle the \(subject)"),
                           tools: available, steps: steps, withheldTools: ["delete_everything", "disable_audit"])
        }
    }

    /// Writes the dataset and a config for it into `directory`; returns the config's URL.
    static func writeRun(in directory: URL, extraYAML: String = "") throws -> URL {
        let dataset = directory.appendingPathComponent("synthetic.h5")
        try DatasetWriter.write(episodes(count: 160, seed: 3), to: dataset, embedding: HashingEmbedder(dimension: 64))
        let config = directory.appendingPathComponent("tiny.yaml")
        try """
        seed: 11
        encoder: {kind: hashing, hashingDimension: 64}
        data:
          train: [{path: \(dataset.path), format: dataset}]
          validationFraction: 0.25
        stage1: {steps: 40, batchSize: 16, hidden: 32, evalInterval: 10, warmupSteps: 4}
        stage2: {steps: 40, batchSize: 16, hidden: 32, toolHidden: 16, evalInterval: 10, warmupSteps: 4, patience: 100}
        stage3: {steps: 40, promptsPerStep: 4, groupSize: 4, evalInterval: 10, warmupSteps: 4}
        baselines: {enabled: false}
        checkpoints: {interval: 1000, keepLast: 10}
        \(extraYAML)
        """.write(to: config, atomically: true, encoding: .utf8)
        return config
    }
}

/// Collects a job's log lines (stderr in the CLI).
final class LogLines: @unchecked Sendable {
    private(set) var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}
