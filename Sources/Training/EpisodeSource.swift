import Environments
import Episodes
import EmulatorPolicy
import Foundation
import NeuralNet
import PolicyRuntime
import TextEncoder

/// The emulated episodes of stage 3: the training tasks of the configured suites (never their
/// held-out tasks, which `safemcp eval` scores), with every text a task can show embedded up
/// front, so a rollout only looks vectors up.
struct EpisodeSource {
    /// One task of one suite.
    struct TaskRef {
        let suite: Int
        let task: Int
    }

    let suites: [CompiledSuite]
    let tasks: [TaskRef]
    let features: StateFeatures
    let embeddings: EmbeddingTable

    /// Loads each suite folder, keeps its training split, and embeds what is not embedded yet.
    static func load(paths: [String], features: StateFeatures, embeddings: EmbeddingTable, embedder: TextEmbedder,
                     interrupt: InterruptFlag, log: (String) -> Void) throws -> EpisodeSource {
        var table = embeddings
        var suites: [CompiledSuite] = []
        var tasks: [TaskRef] = []
        var texts: [String] = []
        for path in paths {
            let full: Suite
            do {
                full = try SuiteLoader.load(directory: path)
            } catch {
                throw TrainingError.unreadable(path, "\(error)")
            }
            guard !full.evaluationOnly else {
                throw TrainingError.invalidData("\(path): suite \(full.name) is evaluation-only (its terms forbid training on it); remove it from stage3.episodeSuites")
            }
            let suite = full.restricted(to: .train)
            let compiled = try CompiledSuite(suite)
            tasks += compiled.tasks.indices.map { TaskRef(suite: suites.count, task: $0) }
            suites.append(compiled)
            for task in compiled.tasks {
                texts.append(task.task.instruction)
                texts += task.tools.map(EpisodeTexts.tool)
                for plan in task.task.plans {
                    for step in plan.steps {
                        texts.append(EpisodeTexts.action(Action(tool: step.tool, arguments: step.arguments)))
                        texts.append(step.observation)
                    }
                }
            }
            log("stage 3: \(compiled.tasks.count) training tasks of \(path) (\(full.tasks.count - compiled.tasks.count) held out for eval)")
        }
        try table.embedMissing(texts, with: embedder, interrupt: interrupt, log: log)
        return EpisodeSource(suites: suites, tasks: tasks, features: features, embeddings: table)
    }

    /// The state vector, the offered tools' names and embeddings, and whether a call is pending.
    func state(_ observation: EnvironmentObservation) -> (state: [Float], toolNames: [String], toolEmbeddings: [[Float]], pending: Bool) {
        let input = PolicyInput(observation: observation)
        return (features.vector(for: input, embedding: embeddings.vector), input.tools.map(\.name),
                input.tools.map { features.toolVector($0, embedding: embeddings.vector) }, input.pending != nil)
    }
}

/// Texts → vectors from an `EmbeddingTable`, falling back to the encoder for texts it lacks:
/// the in-training evaluation runs the real inference path (`PolicyRuntime`) without encoding
/// again what the job already embedded.
final class TableEmbedder: TextEmbedder {
    let table: EmbeddingTable
    let fallback: TextEmbedder

    init(table: EmbeddingTable, fallback: TextEmbedder) {
        self.table = table
        self.fallback = fallback
    }

    var id: String { table.encoderID }
    var dimension: Int { table.dimension }

    func embed(_ texts: [String]) throws -> [[Float]] {
        let missing = texts.filter { !table.contains($0) }
        let computed = missing.isEmpty ? [:] : Dictionary(zip(missing, try fallback.embed(missing)), uniquingKeysWith: { first, _ in first })
        return texts.map { computed[$0] ?? table.vector($0) }
    }
}
