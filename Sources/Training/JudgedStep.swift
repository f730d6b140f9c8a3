import Episodes
import PolicyRuntime

/// One state of an episode as the models see it: the state vector, the pending action, and
/// every target the stages train on (absent where the episode does not say).
public struct JudgedStep {
    /// Index of the episode in the list the step was built from (splits are by episode).
    public var episode: Int
    /// Index of the episode's source in `data.train`: batches are mixed by source (`ExampleOrder`).
    public var source = 0
    /// `StateFeatures.vector(for:embedding:)`: instruction, recent history, last observation,
    /// pending action (and the grounding shares when the layout has them).
    public var state: [Float]
    /// The pending action's embedding alone (the action classifier's input).
    public var action: [Float]
    public var label: StepLabel?
    /// Embedding of the step's `next_state`, else of its observation; nil when it has neither.
    public var nextTarget: [Float]?
    /// 1 when an unsafe step follows (see `unsafeFollows`); nil when the step has no label.
    public var unsafeFollows: Float?
    public var toolNames: [String]
    /// Each available tool's vector (`StateFeatures.toolVector`: its embedding, and the rules' finding).
    public var toolEmbeddings: [[Float]]
    /// The tools that should be withheld; nil when the episode does not say.
    public var withheld: Set<String>?
}

extension StateFeatures {
    /// Every judged state of the episodes: each step that has a label or a next-state target,
    /// and the task itself when it carries a label. With `labelledOnly`, only labelled ones.
    public func judgedSteps(_ episodes: [Episode], embeddings: EmbeddingTable, labelledOnly: Bool) -> [JudgedStep] {
        var result: [JudgedStep] = []
        for (episodeIndex, episode) in episodes.enumerated() {
            let toolNames = episode.tools.map(\.name)
            let toolEmbeddings = episode.tools.map { toolVector($0, embedding: embeddings.vector) }
            let withheld = episode.withheldTools.map(Set.init)
            let labels = episode.steps.map(\.label)
            func state(history: ArraySlice<Step>, pending: Action?) -> [Float] {
                vector(for: PolicyInput(task: episode.task, history: Array(history), pending: pending, tools: episode.tools),
                       embedding: embeddings.vector)
            }
            func make(state: [Float], action: [Float], label: StepLabel?, next: String?, laterLabels: ArraySlice<StepLabel?>) -> JudgedStep {
                let target = next.flatMap { $0.isEmpty ? nil : embeddings.vector($0) }
                return JudgedStep(episode: episodeIndex, state: state, action: action, label: label, nextTarget: target,
                                  unsafeFollows: label.map { Self.unsafeFollows(label: $0, later: laterLabels) },
                                  toolNames: toolNames, toolEmbeddings: toolEmbeddings, withheld: withheld)
            }
            if let taskLabel = episode.taskLabel {
                result.append(make(state: state(history: [], pending: nil), action: [Float](repeating: 0, count: dimension),
                                   label: taskLabel, next: episode.taskNextState, laterLabels: labels[...]))
            }
            for (index, step) in episode.steps.enumerated() {
                let next = step.nextState ?? step.observation
                if step.label != nil || (!labelledOnly && next.map { !$0.isEmpty } == true) {
                    result.append(make(state: state(history: episode.steps[..<index], pending: step.action),
                                       action: embeddings.vector(EpisodeTexts.action(step.action)),
                                       label: step.label, next: next, laterLabels: labels[(index + 1)...]))
                }
            }
        }
        return result
    }

    /// The world model's third target: 1 when the step is `unsafe` itself, is `critical` (by
    /// definition the next unsafe move is one step away), or a later step of the same episode
    /// is labelled `unsafe`; 0 otherwise.
    static func unsafeFollows(label: StepLabel, later: ArraySlice<StepLabel?>) -> Float {
        label != .safe || later.contains(.unsafe) ? 1 : 0
    }
}
