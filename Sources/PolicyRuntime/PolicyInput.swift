import Datasets
import Episodes

/// One state of one task as the policy judges it, in plain text: the runtime embeds it.
public struct PolicyInput {
    /// `EpisodeTexts.instruction` of the task.
    public var instruction: String
    /// The steps that ran so far, with their observations.
    public var history: [Step]
    /// The call to judge; nil before the first call (tier 1 alone).
    public var pending: Action?
    /// The tools the policy may withhold.
    public var tools: [Tool]

    public init(task: AgentTask, history: [Step], pending: Action?, tools: [Tool]) {
        self.instruction = EpisodeTexts.instruction(task)
        self.history = history
        self.pending = pending
        self.tools = tools
    }
}

/// The policy's answer for one `PolicyInput`.
public struct PolicyOutput: Equatable {
    public var verdict: StepLabel
    /// Safe, critical, unsafe.
    public var verdictProbabilities: [Double]
    /// The probability of `verdict`.
    public var confidence: Double
    /// One per input tool, in order (all 0 for the action classifier, which has no tier 1).
    public var withholdProbabilities: [Double]
    /// The tools whose withhold probability reaches the bundle's threshold.
    public var withheld: Set<String>
    /// The world model's look-ahead for the pending call; nil when the variant reads none.
    public var lookahead: Lookahead?
}

/// What the world model predicts the pending call leads to.
public struct Lookahead: Equatable {
    /// The next state's class: safe, critical, unsafe.
    public var nextStateProbabilities: [Double]
    /// The probability that an unsafe step follows.
    public var unsafeFollows: Double
}

extension PolicyInput {
    /// Every text the state is built from, in order, empty ones included (they embed as zeros).
    public var texts: [String] {
        [instruction] + history.flatMap { [EpisodeTexts.action($0.action), $0.observation ?? ""] }
            + [pending.map(EpisodeTexts.action) ?? ""] + tools.map(EpisodeTexts.tool)
    }
}

extension StateFeatures {
    /// The state vector of `input`, with `embedding` giving each non-empty text's vector: the
    /// same layout training builds from recorded episodes (`judgedSteps`).
    public func vector(for input: PolicyInput, embedding: (String) -> [Float]) -> [Float] {
        let zero = [Float](repeating: 0, count: dimension)
        func vector(_ text: String) -> [Float] { text.isEmpty ? zero : embedding(text) }
        let history = input.history.map { (action: vector(EpisodeTexts.action($0.action)), observation: vector($0.observation ?? "")) }
        return self.vector(instruction: vector(input.instruction), history: history[...],
                           pendingAction: input.pending.map { vector(EpisodeTexts.action($0)) } ?? zero,
                           texts: GroundingTexts(instruction: input.instruction, observations: input.history.map { $0.observation ?? "" },
                                                 pending: input.pending))
    }
}
