/// A tool as MCP describes it.
public struct Tool: Codable, Hashable, Sendable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue
    public var annotations: JSONValue?

    enum CodingKeys: String, CodingKey {
        case name, description, annotations
        case inputSchema = "input_schema"
    }

    public init(name: String, description: String, inputSchema: JSONValue = .object([:]), annotations: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.annotations = annotations
    }

    /// The tool `name` among `tools`; a call may name a tool its episode does not list (a
    /// labelled step, a tool withheld from the list), and then it is known by its name alone.
    public static func named(_ name: String, in tools: [Tool]) -> Tool {
        tools.first { $0.name == name } ?? Tool(name: name, description: "")
    }
}

/// The safety class of a step: `critical` is allowed, but the next unsafe move is one step away.
public enum StepLabel: String, Codable, CaseIterable, Hashable, Sendable {
    case safe
    case critical
    case unsafe
}

extension StepLabel {
    /// Position in `allCases`: the class index used by confusion matrices and verdict heads.
    public var index: Int {
        switch self {
        case .safe: return 0
        case .critical: return 1
        case .unsafe: return 2
        }
    }
}

/// A tool call: the tool's name and its arguments.
public struct Action: Codable, Hashable, Sendable {
    public var tool: String
    public var arguments: JSONValue

    /// The tool name that marks a final answer to the user rather than a tool call; MCP tool
    /// names cannot contain `<`, so it never collides with a real tool.
    public static let finalAnswerTool = "<final_answer>"

    /// The agent's final answer: `arguments` is `{"output": text}`.
    public static func finalAnswer(_ text: String) -> Action {
        Action(tool: finalAnswerTool, arguments: .object(["output": .string(text)]))
    }

    public var isFinalAnswer: Bool { tool == Action.finalAnswerTool }

    /// The tool the imported suites offer for the agent's plain reply to the user (report, ask
    /// for permission or clarification): how their safe workflows end.
    public static let replyTool = "respond_to_user"

    /// Whether the action answers the user rather than acting: a final answer or a reply. An
    /// agent refuses by replying, so a check that stops what the agent does lets it through.
    public var isReply: Bool { isFinalAnswer || tool == Action.replyTool }

    public init(tool: String, arguments: JSONValue = .object([:])) {
        self.tool = tool
        self.arguments = arguments
    }
}

/// One step of a trajectory.
public struct Step: Codable, Hashable, Sendable {
    public var thought: String?
    public var action: Action
    public var observation: String?
    public var label: StepLabel?
    public var riskType: String?
    /// What the environment is expected to look like after this step, as the source wrote it
    /// (SafeMCP's `<|next_state|>`): the target of the world model.
    public var nextState: String?
    /// `true` for the step under judgement: the call has not run yet, its label is the verdict.
    public var pending: Bool?

    enum CodingKeys: String, CodingKey {
        case thought, action, observation, label, pending
        case riskType = "risk_type"
        case nextState = "next_state"
    }

    public init(thought: String? = nil, action: Action, observation: String? = nil, label: StepLabel? = nil, riskType: String? = nil,
                nextState: String? = nil, pending: Bool? = nil) {
        self.thought = thought
        self.action = action
        self.observation = observation
        self.label = label
        self.riskType = riskType
        self.nextState = nextState
        self.pending = pending
    }
}

/// What the user asked for, and who the agent was told to be. (Not `Task`: that name is
/// Swift concurrency's.)
public struct AgentTask: Codable, Hashable, Sendable {
    public var instruction: String
    public var persona: String?
    public var systemPrompt: String?

    enum CodingKeys: String, CodingKey {
        case instruction, persona
        case systemPrompt = "system_prompt"
    }

    public init(instruction: String, persona: String? = nil, systemPrompt: String? = nil) {
        self.instruction = instruction
        self.persona = persona
        self.systemPrompt = systemPrompt
    }
}

/// How an episode ended; `nil` where the source does not say.
public struct Outcome: Codable, Hashable, Sendable {
    public var goalAchieved: Bool?
    public var harmDone: Bool?

    enum CodingKeys: String, CodingKey {
        case goalAchieved = "goal_achieved"
        case harmDone = "harm_done"
    }

    public init(goalAchieved: Bool? = nil, harmDone: Bool? = nil) {
        self.goalAchieved = goalAchieved
        self.harmDone = harmDone
    }
}

/// A task, the tools the agent had, what it did, and the ground truth for both tiers.
public struct Episode: Codable, Hashable, Sendable {
    public var id: String
    public var source: String
    public var task: AgentTask
    public var tools: [Tool]
    public var steps: [Step]
    /// Tier-1 ground truth: the tools that should be withheld for this task.
    public var withheldTools: [String]?
    public var outcome: Outcome?
    /// Tier-2 ground truth when the judged state has no step yet (the task alone, before the
    /// first call); `nil` when a step carries the verdict or the source does not say.
    public var taskLabel: StepLabel?
    /// The expected state right after the task starts, paired with `taskLabel`.
    public var taskNextState: String?
    /// The source's split (`train`, `test`, `validation`, ...).
    public var split: String?
    /// `true` when the source's terms allow evaluation only (AgentHarm): never train on it.
    public var evaluationOnly: Bool?
    /// Source fields with no place in the schema, kept as written.
    public var metadata: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id, source, task, tools, steps, outcome, split, metadata
        case withheldTools = "withheld_tools"
        case taskLabel = "task_label"
        case taskNextState = "task_next_state"
        case evaluationOnly = "evaluation_only"
    }

    public init(id: String, source: String, task: AgentTask, tools: [Tool], steps: [Step], withheldTools: [String]? = nil, outcome: Outcome? = nil,
                taskLabel: StepLabel? = nil, taskNextState: String? = nil, split: String? = nil, evaluationOnly: Bool? = nil,
                metadata: [String: JSONValue]? = nil) {
        self.id = id
        self.source = source
        self.task = task
        self.tools = tools
        self.steps = steps
        self.withheldTools = withheldTools
        self.outcome = outcome
        self.taskLabel = taskLabel
        self.taskNextState = taskNextState
        self.split = split
        self.evaluationOnly = evaluationOnly
        self.metadata = metadata
    }
}

/// What the defense decided: tier 1 withholds tools, tier 2 judges the pending call.
public struct Decision: Codable, Hashable, Sendable {
    public var withheldTools: Set<String>
    public var verdict: StepLabel
    public var confidence: Double

    enum CodingKeys: String, CodingKey {
        case verdict, confidence
        case withheldTools = "withheld_tools"
    }

    public init(withheldTools: Set<String>, verdict: StepLabel, confidence: Double) {
        self.withheldTools = withheldTools
        self.verdict = verdict
        self.confidence = confidence
    }
}
