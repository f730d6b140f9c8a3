import Episodes

/// One judged state of labelled data, in plain text: what a defense sees, and the truth.
public struct LabelledState: Sendable {
    public var task: AgentTask
    /// The steps that ran before the judged call.
    public var history: [Step]
    /// The call under judgement; nil for the task before its first call (`Episode.taskLabel`).
    public var pending: Action?
    public var tools: [Tool]
    public var label: StepLabel
    /// Tier-1 ground truth; nil when the source does not say.
    public var withheld: Set<String>?

    public init(task: AgentTask, history: [Step], pending: Action?, tools: [Tool], label: StepLabel, withheld: Set<String>?) {
        self.task = task
        self.history = history
        self.pending = pending
        self.tools = tools
        self.label = label
        self.withheld = withheld
    }

    /// The labelled states of `episodes`, the ones training judges too: the task itself when it
    /// carries a `taskLabel`, then every labelled step with the steps before it as history.
    public static func states(of episodes: [Episode]) -> [LabelledState] {
        var states: [LabelledState] = []
        for episode in episodes {
            let withheld = episode.withheldTools.map(Set.init)
            if let label = episode.taskLabel {
                states.append(LabelledState(task: episode.task, history: [], pending: nil, tools: episode.tools, label: label, withheld: withheld))
            }
            for (index, step) in episode.steps.enumerated() {
                guard let label = step.label else { continue }
                states.append(LabelledState(task: episode.task, history: Array(episode.steps[..<index]), pending: step.action,
                                            tools: episode.tools, label: label, withheld: withheld))
            }
        }
        return states
    }
}

/// What a defense decided on one labelled state.
public struct StepJudgement: Hashable, Sendable {
    public var verdict: StepLabel
    public var withheld: Set<String>

    public init(verdict: StepLabel, withheld: Set<String>) {
        self.verdict = verdict
        self.withheld = withheld
    }
}
