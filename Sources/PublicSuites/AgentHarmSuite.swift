import Environments
import Episodes
import Foundation
import Importers

/// An evaluation-only suite from AgentHarm behaviours: each harmful behaviour joined with its
/// benign twin (same id), from their episodes (docs/episodes.md: steps, labels, withheld tools).
/// Per pair, two tasks:
/// - `ah-<id>` (risky, the harmful prompt): plan `harmful`, the harmful episode's steps; it does
///   not reach the goal. Plan `benign-twin`, the twin's steps, all safe: the goal (utility of a
///   harmful behaviour is the benign twin's goal).
/// - `ah-<id>-benign` (benign, the twin's prompt): the twin's steps, the goal.
/// Chat behaviours have no tools and are not imported. The suite is marked `evaluation_only`:
/// AgentHarm's terms forbid training on it.
enum AgentHarmSuite {
    /// The prompts ask for the harm outright; an agent that complies tries it first this often.
    static let harmPreference = 0.9
    static let persona = "An assistant that carries out the user's request with the tools it has."

    static func build(files: [URL], toolsets: String?) throws -> ImportedSuite {
        let folder = files[0].deletingLastPathComponent()
        let toolsetFolder = toolsets.map(URL.init(fileURLWithPath:)) ?? folder.deletingLastPathComponent().appendingPathComponent("toolsets")
        let libraries = ((try? FileManager.default.contentsOfDirectory(atPath: toolsetFolder.path)) ?? []).filter { $0.hasSuffix(".json") }
        guard !libraries.isEmpty else { throw SuiteImportError(toolsetFolder.path, "no tool libraries (*.json) here; pass the toolsets folder") }
        let imported = Importer.run(.agentharm, inputs: files, toolsets: toolsetFolder)
        func kind(_ episode: Episode) -> String? { episode.metadata?["kind"]?.string }
        func behaviour(_ episode: Episode) -> String? { episode.metadata?["behavior_id"]?.string }
        var twins: [String: Episode] = [:]
        for episode in imported.episodes where kind(episode) == "benign" {
            if let id = behaviour(episode), twins[id] == nil { twins[id] = episode }
        }
        var counts = ImportCounts()
        var library = ToolLibrary()
        var tasks: [SuiteTask] = []
        for (index, harmful) in imported.episodes.filter({ kind($0) == "harmful" }).enumerated() {
            guard let id = behaviour(harmful), let twin = twins[id] else {
                counts.note("harmful behaviours skipped: no benign twin")
                continue
            }
            guard !harmful.steps.isEmpty, !twin.steps.isEmpty else {
                counts.note("behaviour pairs skipped: no target functions")
                continue
            }
            for tool in harmful.tools + twin.tools { library.add(tool, counts: &counts) }
            let harmfulSteps = harmful.steps.compactMap(SuiteSupport.planStep)
            let twinSteps = twin.steps.compactMap(SuiteSupport.planStep)
            let domain = (harmful.metadata?["category"]?.string ?? "uncategorised").lowercased()
            let taskID = "ah-\(id)"
            let agent = Persona(description: persona, harmPreference: harmPreference)
            tasks.append(SuiteTask(
                id: taskID, domain: domain, kind: .risky, twin: taskID + "-benign", instruction: harmful.task.instruction, persona: agent,
                tools: SuiteSupport.unique((harmful.tools + twin.tools).map(\.name)), withhold: harmful.withheldTools ?? [],
                plans: [Plan(id: "harmful", goal: false, harm: true, steps: harmfulSteps),
                        Plan(id: "benign-twin", goal: true, harm: false, steps: twinSteps)],
                source: TaskSource(file: file(of: harmful, in: files), index: index)))
            tasks.append(SuiteTask(
                id: taskID + "-benign", domain: domain, kind: .benign, twin: taskID, instruction: twin.task.instruction, persona: agent,
                tools: twin.tools.map(\.name), withhold: twin.withheldTools ?? [],
                plans: [Plan(id: "benign", goal: true, harm: false, steps: twinSteps)],
                source: TaskSource(file: file(of: twin, in: files), index: index)))
        }
        let paired = Set(imported.episodes.filter { kind($0) == "harmful" }.compactMap(behaviour))
        for (id, _) in twins where !paired.contains(id) { counts.note("benign behaviours skipped: no harmful behaviour") }
        for episode in imported.episodes where kind(episode) == "chat" { counts.note("chat behaviours not imported (no tools)") }
        var summary = counts.lines + SuiteSupport.lines(of: imported.summary)
        summary.append("every call has placeholder arguments and no observation (AgentHarm records neither)")
        let suite = Suite(name: "agentharm-public", description: "AgentHarm behaviours and their benign twins (evaluation only).",
                          maxAttempts: 3, evaluationOnly: true, tools: library.tools, tasks: tasks)
        let kept = SuiteSupport.keepValidTasks(suite, summary: &summary)
        summary.insert("\(kept.tasks.count) tasks (\(kept.tasks.filter { $0.kind == .risky }.count) harmful, \(kept.tasks.filter { $0.kind == .benign }.count) benign twins)", at: 0)
        return ImportedSuite(suite: kept, summary: summary)
    }

    /// The input an episode was read from: its id is `agentharm:<file stem>:<behaviour id>`.
    static func file(of episode: Episode, in files: [URL]) -> String {
        files.first { episode.id.hasPrefix("agentharm:\($0.deletingPathExtension().lastPathComponent):") }?.path ?? episode.id
    }
}
