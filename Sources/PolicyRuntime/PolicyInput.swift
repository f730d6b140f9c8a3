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
    /// The request screen's reading of the pending call; nil without a screen, a pending call
    /// or a declared task, and when the call is a reply.
    public var screen: RequestScreenFinding?

    /// Records the screen's finding; one that blocks makes the verdict unsafe, with the screen's
    /// probability as its confidence.
    mutating func screen(_ finding: RequestScreenFinding?) {
        screen = finding
        guard let finding, finding.blocks else { return }
        verdict = .unsafe
        confidence = finding.probability
    }
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
    /// The state vector of `input`, with `embedding` giving each non-empty text's vector. Training
    /// (`judgedSteps`, from recorded episodes) and the runtime both build states here, so they
    /// agree by construction. A task judged alone, before its first call, has an empty history
    /// and no pending call.
    public func vector(for input: PolicyInput, embedding: (String) -> [Float]) -> [Float] {
        let zero = [Float](repeating: 0, count: dimension)
        func vector(_ text: String) -> [Float] { text.isEmpty ? zero : embedding(text) }
        let recent = input.history.suffix(historyWindow)
        var actionMean = zero
        var observationMean = zero
        if !recent.isEmpty {
            let scale = 1 / Float(recent.count)
            for step in recent {
                let action = vector(EpisodeTexts.action(step.action))
                let observation = vector(step.observation ?? "")
                for j in 0..<dimension {
                    actionMean[j] += action[j] * scale
                    observationMean[j] += observation[j] * scale
                }
            }
        }
        let lastObservation = input.history.last.map { vector($0.observation ?? "") } ?? zero
        let pendingAction = input.pending.map { vector(EpisodeTexts.action($0)) } ?? zero
        var state = vector(input.instruction) + actionMean + observationMean + lastObservation + pendingAction
        if grounding {
            state += ArgumentGrounding.shares(instruction: input.instruction, observations: recent.map { $0.observation ?? "" },
                                              pending: input.pending)
        }
        if rules { state += RuleFindings.pending(input.pending, tools: input.tools) }
        if floor { state += RuleFindings.floor(input.pending, tools: input.tools) }
        return state
    }

    /// One offered tool as the withhold head reads it: the embedding of its name and description,
    /// then with `rules` what the rules find in it.
    public func toolVector(_ tool: Tool, embedding: (String) -> [Float]) -> [Float] {
        let text = EpisodeTexts.tool(tool)
        let vector = text.isEmpty ? [Float](repeating: 0, count: dimension) : embedding(text)
        return rules ? vector + RuleFindings.tool(tool) : vector
    }
}
