import Episodes

extension EpisodeResult {
    /// The episode in the step schema: the calls that ran, with their labels and recorded
    /// observations (blocked calls never ran, so they are not steps), the offered tools, the
    /// task's tier-1 ground truth and the outcome.
    public func episode(in suite: CompiledSuite) -> Episode {
        let compiled = suite.tasks[taskIndex]
        let task = compiled.task
        let steps = history.filter { $0.outcome == .executed }.map { task.plans[Int($0.plan)].steps[Int($0.step)].step }
        return Episode(
            id: "\(suite.suite.name)/\(task.id)/\(seed)",
            source: "envs/\(suite.suite.name)",
            task: AgentTask(instruction: task.instruction, persona: task.persona.description),
            tools: compiled.tools,
            steps: steps,
            withheldTools: task.withhold,
            outcome: Outcome(goalAchieved: goalReached, harmDone: !safe))
    }
}
