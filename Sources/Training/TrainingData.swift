import Datasets
import Environments
import Episodes
import Foundation
import Importers
import TextEncoder

/// The episodes a job trains and tests on, and the embedding of every text they contain.
public struct TrainingData {
    public var train: [Episode]
    /// For each training episode, the index of its source in `data.train`.
    public var trainSource: [Int]
    public var test: [Episode]
    public var embeddings: EmbeddingTable

    /// Reads every source, leaves out evaluation-only episodes from training (AgentHarm's terms),
    /// and embeds each distinct text once, reusing the embeddings a dataset stores when they
    /// came from the same encoder.
    public static func load(_ config: DataConfig, embedder: TextEmbedder, interrupt: InterruptFlag? = nil,
                            log: (String) -> Void) throws -> TrainingData {
        var table = EmbeddingTable(dimension: embedder.dimension, encoderID: embedder.id)
        var train: [Episode] = []
        var trainSource: [Int] = []
        var evaluationOnly = 0
        for (index, source) in config.train.enumerated() {
            let episodes = try readSource(source, into: &table, log: log)
            let allowed = episodes.filter { $0.evaluationOnly != true }
            evaluationOnly += episodes.count - allowed.count
            train += allowed
            trainSource += [Int](repeating: index, count: allowed.count)
        }
        var test: [Episode] = []
        for source in config.test { test += try readSource(source, into: &table, log: log) }
        if evaluationOnly > 0 {
            log("left out \(evaluationOnly) evaluation-only episodes from training (their terms forbid training on them)")
        }
        try table.embedMissing(texts(of: train + test), with: embedder, interrupt: interrupt, log: log)
        return TrainingData(train: train, trainSource: trainSource, test: test, embeddings: table)
    }

    static func readSource(_ source: DataSource, into table: inout EmbeddingTable, log: (String) -> Void) throws -> [Episode] {
        let url = URL(fileURLWithPath: source.path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TrainingError.unreadable(source.path, "no such file")
        }
        if source.format == "dataset" {
            let reader = try DatasetReader(url)
            defer { try? reader.close() }
            let episodes = try reader.episodes()
            if reader.encoderID == table.encoderID {
                try table.add(reader)
            } else {
                log("\(source.path): embeddings are from \(reader.encoderID), not \(table.encoderID): embedding again")
            }
            log("\(source.path): \(episodes.count) episodes")
            return episodes
        }
        if source.format == "suite" {
            return try rollOut(source, log: log)
        }
        guard let format = ImportFormat(rawValue: source.format) else {
            throw TrainingError.invalidData("\(source.path): unknown format \(source.format)")
        }
        let result = Importer.run(format, inputs: [url])
        for issue in result.summary.issues.prefix(5) { log("dropped \(issue)") }
        for warning in result.summary.files.flatMap(\.warnings) { log("warning: \(source.path): \(warning)") }
        log("\(source.path): imported \(result.episodes.count) episodes from \(result.summary.imported) rows, dropped \(result.summary.dropped)")
        return result.episodes
    }

    /// The episodes of a suite's training tasks (never its held-out ones), as `safemcp envs
    /// rollout --split train --record` writes them.
    static func rollOut(_ source: DataSource, log: (String) -> Void) throws -> [Episode] {
        let suite: Suite
        do {
            suite = try SuiteLoader.load(directory: source.path)
        } catch {
            throw TrainingError.unreadable(source.path, "\(error)")
        }
        guard !suite.evaluationOnly else {
            throw TrainingError.invalidData("\(source.path): suite \(suite.name) is evaluation-only (its terms forbid training on it)")
        }
        let compiled = try CompiledSuite(suite.restricted(to: .train))
        let episodes = source.episodes ?? 400
        let defense: DefensePolicy? = source.policy == "rules" ? RuleDefense() : nil
        let results = Rollout.run(compiled, defense: defense, episodes: episodes, seed: UInt64(source.seed ?? 0))
        log("\(source.path): \(episodes) episodes of \(compiled.tasks.count) training tasks, policy \(source.policy ?? "none")")
        return results.map { $0.episode(in: compiled) }
    }

    /// Every text a state of these episodes is built from.
    static func texts(of episodes: [Episode]) -> [String] {
        var texts: [String] = []
        for episode in episodes {
            texts.append(EpisodeTexts.instruction(episode.task))
            texts.append(episode.taskNextState ?? "")
            for tool in episode.tools { texts.append(EpisodeTexts.tool(tool)) }
            for step in episode.steps {
                texts.append(EpisodeTexts.action(step.action))
                texts.append(step.observation ?? "")
                texts.append(step.nextState ?? "")
            }
        }
        return texts
    }
}

/// Text → embedding, with the empty text as the zero vector (an absent part).
public struct EmbeddingTable {
    public let dimension: Int
    public let encoderID: String
    private var vectors: [String: [Float]] = [:]

    public init(dimension: Int, encoderID: String) {
        self.dimension = dimension
        self.encoderID = encoderID
    }

    public func vector(_ text: String) -> [Float] {
        text.isEmpty ? [Float](repeating: 0, count: dimension) : vectors[text] ?? [Float](repeating: 0, count: dimension)
    }

    public func contains(_ text: String) -> Bool { text.isEmpty || vectors[text] != nil }

    mutating func add(_ reader: DatasetReader) throws {
        let pairs = [
            (DatasetLayout.Episodes.instruction, DatasetLayout.Episodes.instructionEmbedding),
            (DatasetLayout.Episodes.taskNextState, DatasetLayout.Episodes.taskNextStateEmbedding),
            (DatasetLayout.Tools.text, DatasetLayout.Tools.embedding),
            (DatasetLayout.Steps.action, DatasetLayout.Steps.actionEmbedding),
            (DatasetLayout.Steps.observation, DatasetLayout.Steps.observationEmbedding),
            (DatasetLayout.Steps.nextState, DatasetLayout.Steps.nextStateEmbedding),
        ]
        for (textColumn, embeddingColumn) in pairs {
            let texts = try reader.strings(textColumn)
            let matrix = try reader.embeddings(embeddingColumn)
            guard matrix.shape == [texts.count, dimension] else {
                throw TrainingError.invalidData("\(reader.path): \(embeddingColumn) has shape \(matrix.shape), expected [\(texts.count), \(dimension)]")
            }
            for (row, text) in texts.enumerated() where !text.isEmpty && vectors[text] == nil {
                vectors[text] = Array(matrix.values[row * dimension..<(row + 1) * dimension])
            }
        }
    }

    /// Embeds the texts it lacks, 256 at a time; throws `TrainingError.interrupted` between
    /// batches once `interrupt` is raised (embedding a large source takes minutes).
    mutating func embedMissing(_ texts: [String], with embedder: TextEmbedder, interrupt: InterruptFlag? = nil,
                               log: (String) -> Void) throws {
        var missing: [String] = []
        var seen = Set<String>()
        for text in texts where !contains(text) && seen.insert(text).inserted { missing.append(text) }
        guard !missing.isEmpty else { return }
        let progress = ProgressReporter(label: "embedding (\(embedder.id))", total: missing.count)
        var start = 0
        while start < missing.count {
            if interrupt?.isRaised == true { throw TrainingError.interrupted }
            let batch = Array(missing[start..<min(start + 256, missing.count)])
            let embedded = try embedder.embed(batch)
            for (text, vector) in zip(batch, embedded) { vectors[text] = vector }
            start += batch.count
            progress.update(start)
        }
        log("embedded \(missing.count) texts with \(embedder.id)")
    }
}
