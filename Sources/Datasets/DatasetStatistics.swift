import Episodes

/// What a dataset holds, counted (`safemcp data inspect`).
public struct DatasetStatistics: Codable, Equatable, Sendable {
    public var episodes = 0
    public var steps = 0
    public var pendingSteps = 0
    public var evaluationOnlyEpisodes = 0
    public var encoder = "none"
    public var embeddingDimension = 0
    /// Step labels (`unlabelled` for none) and, separately, task labels.
    public var stepsByLabel: [String: Int] = [:]
    public var tasksByLabel: [String: Int] = [:]
    public var episodesBySource: [String: Int] = [:]
    public var stepsByTool: [String: Int] = [:]
    public var stepsByRiskType: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case episodes, steps, encoder
        case pendingSteps = "pending_steps"
        case evaluationOnlyEpisodes = "evaluation_only_episodes"
        case embeddingDimension = "embedding_dimension"
        case stepsByLabel = "steps_by_label"
        case tasksByLabel = "tasks_by_label"
        case episodesBySource = "episodes_by_source"
        case stepsByTool = "steps_by_tool"
        case stepsByRiskType = "steps_by_risk_type"
    }

    public init(_ episodes: [Episode], encoder: String = "none", embeddingDimension: Int = 0) {
        self.encoder = encoder
        self.embeddingDimension = embeddingDimension
        self.episodes = episodes.count
        for episode in episodes {
            episodesBySource[episode.source, default: 0] += 1
            if episode.evaluationOnly == true { evaluationOnlyEpisodes += 1 }
            if let label = episode.taskLabel { tasksByLabel[label.rawValue, default: 0] += 1 }
            for step in episode.steps {
                steps += 1
                if step.pending == true { pendingSteps += 1 }
                stepsByLabel[step.label?.rawValue ?? "unlabelled", default: 0] += 1
                stepsByTool[step.action.tool, default: 0] += 1
                if let risk = step.riskType { stepsByRiskType[risk, default: 0] += 1 }
            }
        }
    }
}
