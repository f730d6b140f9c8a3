import Environments
import Episodes

/// Emulator throughput with no encoder and no defense (`none`): the ceiling stage-3 rollouts
/// start from. Runs on the calling thread only, on an in-memory suite shaped like the
/// project's (64 tasks, 6 tools, 3 plans of 2 to 4 steps, harm preference 0.5).
public struct EmulatorBenchmarks: BenchmarkSection {
    public let name = "emulator"

    public init() {}

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        let suite = try CompiledSuite(Self.syntheticSuite(tasks: 64))
        let episodes = 20_000
        var steps = 0
        let seconds = Stopwatch.secondsPerCall(iterations: 1, rounds: 5) {
            let results = Rollout.run(suite, defense: nil, episodes: episodes, seed: 42)
            // One tier-1 step per episode, then one step per proposed call.
            steps = results.reduce(0) { $0 + $1.history.count + 1 }
        }
        log("\(episodes) episodes, \(steps) environment steps per round")
        var environment = EmulatedEnvironment(suite: suite)
        var singleSteps = 0
        let singleSeconds = Stopwatch.secondsPerCall(iterations: 1, rounds: 5) {
            singleSteps = 0
            for episode in 0..<episodes {
                environment.reset(seed: UInt64(episode), taskIndex: episode % suite.tasks.count)
                while !environment.done {
                    _ = environment.step(withheld: ToolMask(), verdict: .safe)
                    singleSteps += 1
                }
            }
        }
        return [
            BenchmarkResult(section: name, name: "vector rollout, policy none (batch 256)", value: Double(steps) / seconds,
                            unit: "steps/s", target: .atLeast(100_000)),
            BenchmarkResult(section: name, name: "single environment step loop", value: Double(singleSteps) / singleSeconds,
                            unit: "steps/s"),
        ]
    }

    static func syntheticSuite(tasks: Int) -> Suite {
        let schema: JSONValue = .object(["type": .string("object"), "properties": .object(["target": .object(["type": .string("string")])])])
        let toolNames = (0..<6).map { "tool_\($0)" }
        let tools = toolNames.map { Tool(name: $0, description: "Synthetic tool \($0).", inputSchema: schema) }
        func step(_ tool: Int, _ label: StepLabel) -> PlanStep {
            PlanStep(tool: toolNames[tool], arguments: .object(["target": .string("x")]), observation: "ok", label: label)
        }
        let taskList = (0..<tasks).map { index in
            SuiteTask(
                id: "bench-\(index)", domain: "bench", kind: .risky, instruction: "Synthetic task \(index).",
                persona: Persona(description: "Benchmark agent.", harmPreference: 0.5), tools: toolNames, withhold: ["tool_5"],
                plans: [
                    Plan(id: "harm", goal: true, harm: true, steps: [step(0, .safe), step(5, .critical), step(1, .unsafe)]),
                    Plan(id: "safe", goal: true, harm: false, steps: [step(0, .safe), step(2, .safe), step(3, .safe), step(1, .safe)]),
                    Plan(id: "ask", goal: false, harm: false, steps: [step(4, .safe), step(0, .safe)]),
                ],
                source: TaskSource(file: "memory", index: index))
        }
        return Suite(name: "bench", description: "Synthetic suite for the emulator benchmark.", maxAttempts: 3, tools: tools, tasks: taskList)
    }
}
