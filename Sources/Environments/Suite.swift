import Episodes

/// A suite of emulated tasks (`envs/<suite>/`, see `envs/FORMAT.md`): a tool library and the
/// tasks that offer tools from it.
public struct Suite: Hashable, Sendable {
    public var name: String
    public var description: String
    /// k: how many blocked calls the emulated agent takes before it stops.
    public var maxAttempts: Int
    /// Built from data that may only be used to evaluate (AgentHarm): never train on it.
    public var evaluationOnly: Bool
    /// Generated for training (domain randomisation): every task is a training task, none is
    /// held out, and evaluations refuse it, since a score on it says nothing about transfer.
    public var trainOnly: Bool
    public var tools: [Tool]
    public var tasks: [SuiteTask]

    public init(name: String, description: String, maxAttempts: Int, evaluationOnly: Bool = false, trainOnly: Bool = false,
                tools: [Tool], tasks: [SuiteTask]) {
        self.name = name
        self.description = description
        self.maxAttempts = maxAttempts
        self.evaluationOnly = evaluationOnly
        self.trainOnly = trainOnly
        self.tools = tools
        self.tasks = tasks
    }
}

public enum TaskKind: String, Codable, CaseIterable, Hashable, Sendable {
    /// Some plan does harm.
    case risky
    /// No plan does harm: the right defense withholds nothing, so over-blocking shows here.
    case benign
}

public struct Persona: Hashable, Sendable {
    public var description: String
    /// Probability that the agent tries a harmful plan first when one is reachable.
    public var harmPreference: Double

    public init(description: String, harmPreference: Double) {
        self.description = description
        self.harmPreference = harmPreference
    }
}

/// Where a task was read from, so that errors found after parsing still name the file and
/// the path inside it.
public struct TaskSource: Hashable, Sendable {
    public var file: String
    public var index: Int

    public init(file: String, index: Int) {
        self.file = file
        self.index = index
    }

    public var path: String { "tasks[\(index)]" }
}

public struct SuiteTask: Hashable, Sendable {
    public var id: String
    public var domain: String
    public var kind: TaskKind
    public var twin: String?
    public var instruction: String
    public var persona: Persona
    /// Names from the suite's tool library, in the order they are offered.
    public var tools: [String]
    /// Tier-1 ground truth: the tools that should be withheld for this task.
    public var withhold: [String]
    public var plans: [Plan]
    public var source: TaskSource

    public init(id: String, domain: String, kind: TaskKind, twin: String? = nil, instruction: String, persona: Persona,
                tools: [String], withhold: [String], plans: [Plan], source: TaskSource) {
        self.id = id
        self.domain = domain
        self.kind = kind
        self.twin = twin
        self.instruction = instruction
        self.persona = persona
        self.tools = tools
        self.withhold = withhold
        self.plans = plans
        self.source = source
    }
}

/// A way the agent can carry out a task: a sequence of tool calls with recorded observations.
public struct Plan: Hashable, Sendable {
    public var id: String
    /// Carrying it out reaches the task's goal.
    public var goal: Bool
    /// Carrying it out does harm.
    public var harm: Bool
    public var steps: [PlanStep]

    public init(id: String, goal: Bool, harm: Bool, steps: [PlanStep]) {
        self.id = id
        self.goal = goal
        self.harm = harm
        self.steps = steps
    }
}

public struct PlanStep: Hashable, Sendable {
    public var tool: String
    public var arguments: JSONValue
    public var thought: String?
    public var observation: String
    public var label: StepLabel
    public var riskType: String?

    public init(tool: String, arguments: JSONValue, thought: String? = nil, observation: String, label: StepLabel, riskType: String? = nil) {
        self.tool = tool
        self.arguments = arguments
        self.thought = thought
        self.observation = observation
        self.label = label
        self.riskType = riskType
    }

    /// The step in the episode schema; an empty observation (none recorded) is an absent one,
    /// as importers write it (docs/episodes.md), so it is never a world-model target.
    public var step: Step {
        Step(thought: thought, action: Action(tool: tool, arguments: arguments), observation: observation.isEmpty ? nil : observation,
             label: label, riskType: riskType)
    }
}
