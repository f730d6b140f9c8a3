import Episodes

/// A suite prepared for the emulator: each task's tool names interned to indices, plans as
/// index arrays with the mask of tools they need.
public final class CompiledSuite: Sendable {
    public let suite: Suite
    public let tasks: [CompiledTask]

    public enum CompileError: Error, CustomStringConvertible {
        case tooManyTools(task: String, count: Int)
        case unknownTool(task: String, tool: String)
        case noTasks(suite: String)

        public var description: String {
            switch self {
            case .tooManyTools(let task, let count):
                return "task \(task) offers \(count) tools; the emulator handles at most \(ToolMask.capacity) per task"
            case .unknownTool(let task, let tool):
                return "task \(task) uses tool \"\(tool)\" that it does not offer or the library lacks (validate the suite first)"
            case .noTasks(let suite):
                return "suite \(suite) has no tasks"
            }
        }
    }

    /// `suite` should have passed validation; what the emulator cannot run is still refused.
    public init(_ suite: Suite) throws {
        guard !suite.tasks.isEmpty else { throw CompileError.noTasks(suite: suite.name) }
        let library = Dictionary(suite.tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.suite = suite
        self.tasks = try suite.tasks.enumerated().map { index, task in
            try CompiledTask(task, index: index, library: library, maxAttempts: suite.maxAttempts)
        }
    }
}

public final class CompiledTask: Sendable {
    public let task: SuiteTask
    public let index: Int
    public let maxAttempts: Int
    /// The offered tools, in the task's order; a tool's index is its position here.
    public let tools: [Tool]
    let toolIndex: [String: Int]
    let plans: [CompiledPlan]
    public let allTools: ToolMask

    init(_ task: SuiteTask, index: Int, library: [String: Tool], maxAttempts: Int) throws {
        guard task.tools.count <= ToolMask.capacity else {
            throw CompiledSuite.CompileError.tooManyTools(task: task.id, count: task.tools.count)
        }
        var toolIndex: [String: Int] = [:]
        var tools: [Tool] = []
        for name in task.tools where toolIndex[name] == nil {
            guard let tool = library[name] else { throw CompiledSuite.CompileError.unknownTool(task: task.id, tool: name) }
            toolIndex[name] = tools.count
            tools.append(tool)
        }
        self.task = task
        self.index = index
        self.maxAttempts = maxAttempts
        self.tools = tools
        self.toolIndex = toolIndex
        self.allTools = ToolMask(0..<tools.count)
        self.plans = try task.plans.map { plan in
            let indices = try plan.steps.map { step -> Int32 in
                guard let index = toolIndex[step.tool] else {
                    throw CompiledSuite.CompileError.unknownTool(task: task.id, tool: step.tool)
                }
                return Int32(index)
            }
            return CompiledPlan(tools: indices, labels: plan.steps.map(\.label), goal: plan.goal, harm: plan.harm,
                                needs: ToolMask(indices.map(Int.init)))
        }
    }

    /// The mask of the named tools this task offers; names it does not offer are ignored.
    public func mask(of names: Set<String>) -> ToolMask {
        var mask = ToolMask()
        for name in names {
            if let index = toolIndex[name] { mask.insert(index) }
        }
        return mask
    }
}

struct CompiledPlan: Sendable {
    let tools: [Int32]
    let labels: [StepLabel]
    let goal: Bool
    let harm: Bool
    let needs: ToolMask
}
