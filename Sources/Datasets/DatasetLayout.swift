import Episodes

/// Where things live in a dataset file (docs/episodes.md, "Datasets"). Rows of `steps/*` and
/// `tools/*` point back to their episode's row; an episode's steps are the contiguous rows
/// `step_start ..< step_start + step_count` (tools likewise).
public enum DatasetLayout {
    public static let formatName = "safemcp-dataset"
    public static let formatVersion: Int64 = 1

    /// Label codes in `label` / `task_label` columns; -1 where the source gives no label.
    public static let labelNames = StepLabel.allCases.map(\.rawValue)
    public static let noLabel: Int32 = -1

    public static func code(_ label: StepLabel?) -> Int32 {
        guard let label, let index = StepLabel.allCases.firstIndex(of: label) else { return noLabel }
        return Int32(index)
    }

    public enum Episodes {
        public static let group = "episodes"
        /// The canonical JSON line of each episode: the lossless record the reader decodes.
        public static let json = "episodes/json"
        public static let id = "episodes/id"
        public static let source = "episodes/source"
        public static let split = "episodes/split"
        public static let instruction = "episodes/instruction"
        public static let taskNextState = "episodes/task_next_state"
        public static let taskLabel = "episodes/task_label"
        public static let evaluationOnly = "episodes/evaluation_only"
        public static let stepStart = "episodes/step_start"
        public static let stepCount = "episodes/step_count"
        public static let toolStart = "episodes/tool_start"
        public static let toolCount = "episodes/tool_count"
        public static let instructionEmbedding = "episodes/instruction_embedding"
        public static let taskNextStateEmbedding = "episodes/task_next_state_embedding"
    }

    public enum Steps {
        public static let episode = "steps/episode"
        public static let index = "steps/index"
        public static let tool = "steps/tool"
        public static let thought = "steps/thought"
        public static let action = "steps/action"
        public static let observation = "steps/observation"
        public static let nextState = "steps/next_state"
        public static let label = "steps/label"
        public static let pending = "steps/pending"
        public static let riskType = "steps/risk_type"
        public static let actionEmbedding = "steps/action_embedding"
        public static let observationEmbedding = "steps/observation_embedding"
        public static let nextStateEmbedding = "steps/next_state_embedding"
    }

    public enum Tools {
        public static let episode = "tools/episode"
        public static let name = "tools/name"
        public static let text = "tools/text"
        /// 1 if the tool is in the episode's withheld set, 0 if not, -1 if the source has no set.
        public static let withheld = "tools/withheld"
        public static let embedding = "tools/embedding"
    }
}
