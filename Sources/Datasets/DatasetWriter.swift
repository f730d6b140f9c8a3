import Foundation
import Episodes
import HDF5Store
import TextEncoder

/// Writes episodes to a dataset file: texts, labels and tool lists as columns, the embedding
/// of every text part beside its text, and each episode's canonical JSON line. The file is
/// written under a temporary name, synced and renamed into place (`HDF5File.createAtomically`),
/// so a torn file is never left.
public enum DatasetWriter {
    /// Texts are embedded in batches of this many distinct texts (progress is logged per batch).
    public static let embeddingBatch = 512

    public static func write(_ episodes: [Episode], to url: URL, embedding: TextEmbedder?,
                             progress: (String) -> Void = { _ in }) throws {
        let columns = try Columns(episodes)
        try HDF5File.createAtomically(url.path) { file in
            try columns.write(to: file)
            if let embedding {
                try writeEmbeddings(columns, embedding: embedding, file: file, progress: progress)
            }
            try file.setAttribute("format", string: DatasetLayout.formatName)
            try file.setAttribute("format_version", integer: DatasetLayout.formatVersion)
            try file.setAttribute("label_names", json: DatasetLayout.labelNames)
            try file.setAttribute("encoder", string: embedding?.id ?? "none")
            try file.setAttribute("embedding_dimension", integer: Int64(embedding?.dimension ?? 0))
        }
    }

    /// Embeds every distinct non-empty text once; an absent text (empty string) gets a zero row.
    private static func writeEmbeddings(_ columns: Columns, embedding: TextEmbedder, file: HDF5File,
                                        progress: (String) -> Void) throws {
        let parts: [(path: String, texts: [String])] = [
            (DatasetLayout.Episodes.instructionEmbedding, columns.instructions),
            (DatasetLayout.Episodes.taskNextStateEmbedding, columns.taskNextStates),
            (DatasetLayout.Tools.embedding, columns.toolTexts),
            (DatasetLayout.Steps.actionEmbedding, columns.actions),
            (DatasetLayout.Steps.observationEmbedding, columns.observations),
            (DatasetLayout.Steps.nextStateEmbedding, columns.nextStates),
        ]
        var distinct: [String] = []
        var seen = Set<String>()
        for part in parts {
            for text in part.texts where !text.isEmpty && seen.insert(text).inserted { distinct.append(text) }
        }
        var vectors: [String: [Float]] = [:]
        vectors.reserveCapacity(distinct.count)
        var start = 0
        while start < distinct.count {
            let batch = Array(distinct[start..<min(start + embeddingBatch, distinct.count)])
            let embedded = try embedding.embed(batch)
            guard embedded.count == batch.count, embedded.allSatisfy({ $0.count == embedding.dimension }) else {
                throw DatasetError(path: file.path, problem: "encoder \(embedding.id) returned vectors of the wrong count or size")
            }
            for (text, vector) in zip(batch, embedded) { vectors[text] = vector }
            start += batch.count
            progress("embedded \(start)/\(distinct.count) distinct texts")
        }
        let zero = [Float](repeating: 0, count: embedding.dimension)
        for part in parts {
            var values: [Float] = []
            values.reserveCapacity(part.texts.count * embedding.dimension)
            for text in part.texts { values += text.isEmpty ? zero : vectors[text] ?? zero }
            try file.write(values, shape: [part.texts.count, embedding.dimension], to: part.path)
        }
    }
}

/// A dataset file that is not what the reader expects.
public struct DatasetError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// The column values of a set of episodes, row-aligned as in `DatasetLayout`.
struct Columns {
    var json: [String] = []
    var ids: [String] = []
    var sources: [String] = []
    var splits: [String] = []
    var instructions: [String] = []
    var taskNextStates: [String] = []
    var taskLabels: [Int32] = []
    var evaluationOnly: [Int32] = []
    var stepStart: [Int32] = []
    var stepCount: [Int32] = []
    var toolStart: [Int32] = []
    var toolCount: [Int32] = []

    var stepEpisode: [Int32] = []
    var stepIndex: [Int32] = []
    var stepTools: [String] = []
    var thoughts: [String] = []
    var actions: [String] = []
    var observations: [String] = []
    var nextStates: [String] = []
    var labels: [Int32] = []
    var pending: [Int32] = []
    var riskTypes: [String] = []

    var toolEpisode: [Int32] = []
    var toolNames: [String] = []
    var toolTexts: [String] = []
    var toolWithheld: [Int32] = []

    init(_ episodes: [Episode]) throws {
        for (row, episode) in episodes.enumerated() {
            json.append(try EpisodeLines.line(for: episode))
            ids.append(episode.id)
            sources.append(episode.source)
            splits.append(episode.split ?? "")
            instructions.append(EpisodeTexts.instruction(episode.task))
            taskNextStates.append(episode.taskNextState ?? "")
            taskLabels.append(DatasetLayout.code(episode.taskLabel))
            evaluationOnly.append(episode.evaluationOnly == true ? 1 : 0)
            stepStart.append(Int32(stepEpisode.count))
            stepCount.append(Int32(episode.steps.count))
            toolStart.append(Int32(toolEpisode.count))
            toolCount.append(Int32(episode.tools.count))
            for (index, step) in episode.steps.enumerated() {
                stepEpisode.append(Int32(row))
                stepIndex.append(Int32(index))
                stepTools.append(step.action.tool)
                thoughts.append(step.thought ?? "")
                actions.append(EpisodeTexts.action(step.action))
                observations.append(step.observation ?? "")
                nextStates.append(step.nextState ?? "")
                labels.append(DatasetLayout.code(step.label))
                pending.append(step.pending == true ? 1 : 0)
                riskTypes.append(step.riskType ?? "")
            }
            let withheld = episode.withheldTools.map(Set.init)
            for tool in episode.tools {
                toolEpisode.append(Int32(row))
                toolNames.append(tool.name)
                toolTexts.append(EpisodeTexts.tool(tool))
                toolWithheld.append(withheld.map { $0.contains(tool.name) ? 1 : 0 } ?? -1)
            }
        }
    }

    func write(to file: HDF5File) throws {
        typealias E = DatasetLayout.Episodes
        typealias S = DatasetLayout.Steps
        typealias T = DatasetLayout.Tools
        let strings: [(String, [String])] = [
            (E.json, json), (E.id, ids), (E.source, sources), (E.split, splits), (E.instruction, instructions),
            (E.taskNextState, taskNextStates),
            (S.tool, stepTools), (S.thought, thoughts), (S.action, actions), (S.observation, observations),
            (S.nextState, nextStates), (S.riskType, riskTypes),
            (T.name, toolNames), (T.text, toolTexts),
        ]
        for (path, values) in strings { try file.write(strings: values, to: path) }
        let integers: [(String, [Int32])] = [
            (E.taskLabel, taskLabels), (E.evaluationOnly, evaluationOnly), (E.stepStart, stepStart),
            (E.stepCount, stepCount), (E.toolStart, toolStart), (E.toolCount, toolCount),
            (S.episode, stepEpisode), (S.index, stepIndex), (S.label, labels), (S.pending, pending),
            (T.episode, toolEpisode), (T.withheld, toolWithheld),
        ]
        for (path, values) in integers { try file.write(values, shape: [values.count], to: path) }
    }
}
