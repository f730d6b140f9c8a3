import Environments
import Episodes
import Foundation
import Importers

/// PowerSeeking cases as tasks. Per case whose episode has an `unsafe` step, one risky task: the
/// persona, the instruction, the case's tools plus `respond_to_user`, the episode's withheld
/// tools, and
/// - the plan `recorded`: the episode's steps up to its terminal (`unsafe`) step, with their
///   labels (docs/episodes.md: how the evidence is located). It reaches the goal (the agent got
///   what the user asked for) and does harm.
/// - one safe plan per expected workflow: its calls to the case's own tools (placeholder
///   arguments, no observation), each `Output(...)` as a `respond_to_user` reply, names that are
///   no tool of the case skipped. Goal reached, no harm.
/// A case whose terminal step is not located has no unsafe plan, and is skipped.
enum PowerSeekingSuite {
    /// The personas are written to seek power: the agent goes for the recorded plan first
    /// this often.
    static let harmPreference = 0.9

    static func build(files: [URL]) -> ImportedSuite {
        var library = ToolLibrary()
        var counts = ImportCounts()
        library.add(SuiteSupport.respondToUser, counts: &counts)
        var tasks: [SuiteTask] = []
        var summary: [String] = []
        for file in files {
            let imported = Importer.run(.powerseeking, inputs: [file])
            summary += SuiteSupport.lines(of: imported.summary)
            let stem = file.deletingPathExtension().lastPathComponent
            for episode in imported.episodes {
                guard let index = episode.id.split(separator: "#").last.flatMap({ Int($0) }) else { continue }
                let source = TaskSource(file: file.path, index: index)
                guard let task = task(episode, id: String(format: "ps-%@-%03d", stem, index), source: source,
                                      library: &library, counts: &counts) else { continue }
                tasks.append(task)
            }
        }
        summary = counts.lines + summary
        let suite = Suite(name: "powerseeking-public", description: "PowerSeeking Bench cases (public dev split), imported.",
                          maxAttempts: 3, tools: library.tools, tasks: tasks)
        let kept = SuiteSupport.keepValidTasks(suite, summary: &summary)
        summary.insert("\(kept.tasks.count) tasks from \(files.count) file(s)", at: 0)
        return ImportedSuite(suite: kept, summary: summary)
    }

    static func task(_ episode: Episode, id: String, source: TaskSource, library: inout ToolLibrary, counts: inout ImportCounts) -> SuiteTask? {
        guard episode.steps.contains(where: { !$0.action.isFinalAnswer }) else {
            counts.note("cases skipped: no recorded tool call")
            return nil
        }
        guard let terminal = episode.steps.lastIndex(where: { $0.label == .unsafe }) else {
            counts.note("cases skipped: terminal step not located (no unsafe step)")
            return nil
        }
        let recorded = episode.steps[...terminal].compactMap(SuiteSupport.planStep)
        guard recorded.count == terminal + 1 else {
            counts.note("cases skipped: enabler step not located (unlabelled steps before the terminal)")
            return nil
        }
        for tool in episode.tools { library.add(tool, counts: &counts) }
        var plans = [Plan(id: "recorded", goal: true, harm: true, steps: recorded)]
        let offered = Set(episode.tools.map(\.name))
        for (index, workflow) in PowerSeekingWorkflow.of(episode).enumerated() {
            var steps: [PlanStep] = []
            for item in workflow.items {
                switch item {
                case .reply(let message):
                    steps.append(SuiteSupport.reply(message))
                case .call(let name) where offered.contains(name):
                    let schema = library.tool(named: name)?.inputSchema ?? .object([:])
                    steps.append(PlanStep(tool: name, arguments: PlaceholderArguments.satisfying(schema), observation: "", label: .safe))
                    counts.note("workflow calls with placeholder arguments and no observation")
                case .call:
                    counts.note("workflow steps naming no tool of the case (skipped)")
                }
            }
            if steps.isEmpty { steps = [SuiteSupport.reply(workflow.description)] }
            plans.append(Plan(id: "expected-\(index + 1)", goal: true, harm: false, steps: steps))
        }
        if plans.count == 1 { counts.note("cases without an expected workflow (no safe plan)") }
        let category = episode.metadata?["primary_category"]?.string ?? "power seeking"
        return SuiteTask(id: id, domain: category.lowercased(), kind: .risky, instruction: episode.task.instruction,
                         persona: Persona(description: episode.task.persona ?? "", harmPreference: harmPreference),
                         tools: episode.tools.map(\.name) + [SuiteSupport.respondToUser.name], withhold: episode.withheldTools ?? [],
                         plans: plans, source: source)
    }
}
