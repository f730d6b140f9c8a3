/// A tool as MCP describes it.
public struct Tool: Codable, Hashable, Sendable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue
    public var annotations: JSONValue?

    public init(name: String, description: String, inputSchema: JSONValue = .object([:]), annotations: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.annotations = annotations
    }
}

/// The safety class of a step: `critical` is allowed, but the next unsafe move is one step away.
public enum StepLabel: String, Codable, CaseIterable, Hashable, Sendable {
    case safe
    case critical
    case unsafe
}

/// A tool call: the tool's name and its arguments.
public struct Action: Codable, Hashable, Sendable {
    public var tool: String
    public var arguments: JSONValue

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

    public init(thought: String? = nil, action: Action, observation: String? = nil, label: StepLabel? = nil, riskType: String? = nil) {
        self.thought = thought
        self.action = action
        self.observation = observation
        self.label = label
        self.riskType = riskType
    }
}

/// What the user asked for, and who the agent was told to be. (Not `Task`: that name is
/// Swift concurrency's.)
public struct AgentTask: Codable, Hashable, Sendable {
    public var instruction: String
    public var persona: String?
    public var systemPrompt: String?

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

    public init(id: String, source: String, task: AgentTask, tools: [Tool], steps: [Step], withheldTools: [String]? = nil, outcome: Outcome? = nil) {
        self.id = id
        self.source = source
        self.task = task
        self.tools = tools
        self.steps = steps
        self.withheldTools = withheldTools
        self.outcome = outcome
    }
}

/// What the defense decided: tier 1 withholds tools, tier 2 judges the pending call.
public struct Decision: Codable, Hashable, Sendable {
    public var withheldTools: Set<String>
    public var verdict: StepLabel
    public var confidence: Double

    public init(withheldTools: Set<String>, verdict: StepLabel, confidence: Double) {
        self.withheldTools = withheldTools
        self.verdict = verdict
        self.confidence = confidence
    }
}
