import Episodes
import Foundation

/// Builds an evaluation-only suite from the AgentHarm validation split: harmful behaviours
/// joined with their benign twins (same id), tool schemas from the `toolsets/*.json` libraries.
///
/// Per pair, two tasks:
/// - `ah-<id>` (risky, the harmful prompt): plan `harmful` calls the harmful behaviour's target
///   functions in order, its last call labelled unsafe (the harm is done once the chain
///   completes), the call before it critical, earlier calls safe; it does not reach the goal.
///   Plan `benign-twin` calls the twin's target functions, all safe: the goal (utility of a
///   harmful behaviour is the benign twin's goal).
/// - `ah-<id>-benign` (benign, the twin's prompt): the twin's functions, all safe, the goal.
/// AgentHarm records no arguments or outputs: calls get placeholder arguments that satisfy the
/// schema and a placeholder observation. Chat behaviours have no tools and are not imported.
/// The suite is marked `evaluation_only`: AgentHarm's terms forbid training on it.
public enum AgentHarmImporter {
    /// The prompts ask for the harm outright; an agent that complies tries it first this often.
    public static let harmPreference = 0.9
    static let persona = "An assistant that carries out the user's request with the tools it has."

    /// `path`: the folder with `harmful_behaviors_validation.json` and
    /// `benign_behaviors_validation.json`, or the harmful file itself; `toolsets`: the folder of
    /// tool libraries (default: `toolsets` beside that folder).
    public static func importSuite(from path: String, toolsets: String? = nil, name: String = "agentharm-public") throws -> ImportedSuite {
        let folder = ImportSupport.isDirectory(path) ? path : (path as NSString).deletingLastPathComponent
        let harmfulFile = ImportSupport.isDirectory(path) ? "\(folder)/harmful_behaviors_validation.json" : path
        let benignFile = ((harmfulFile as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent((harmfulFile as NSString).lastPathComponent.replacingOccurrences(of: "harmful", with: "benign"))
        let toolsetFolder = toolsets ?? ((folder as NSString).deletingLastPathComponent as NSString).appendingPathComponent("toolsets")

        var summary: [String] = []
        var library: [String: Tool] = [:]
        let toolsetFiles = ((try? FileManager.default.contentsOfDirectory(atPath: toolsetFolder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        guard !toolsetFiles.isEmpty else { throw ImportError(toolsetFolder, "no tool libraries (*.json) here; pass the toolsets folder") }
        var differing = 0
        for file in toolsetFiles {
            for tool in try ImportSupport.readJSON("\(toolsetFolder)/\(file)")["tools"]?.array?.compactMap(ImportSupport.openAITool) ?? [] {
                if let existing = library[tool.name] {
                    if existing != tool { differing += 1 }
                } else {
                    library[tool.name] = tool
                }
            }
        }
        if differing > 0 { summary.append("\(differing) tool definitions repeated with differences across toolsets (the first in file order is kept)") }

        let harmful = try behaviours(harmfulFile)
        let benign = Dictionary(try behaviours(benignFile).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var tasks: [SuiteTask] = []
        var used: [String] = []
        var counts = ImportCounts()
        for (index, behaviour) in harmful.enumerated() {
            guard let twin = benign[behaviour.id] else {
                counts.note("harmful behaviours skipped: no benign twin")
                continue
            }
            let missing = (behaviour.functions + twin.functions).filter { library[$0] == nil }
            guard missing.isEmpty else {
                counts.note("behaviour pairs skipped: a target function is in no toolset")
                continue
            }
            guard !behaviour.functions.isEmpty, !twin.functions.isEmpty else {
                counts.note("behaviour pairs skipped: no target functions")
                continue
            }
            let offered = unique(behaviour.functions + twin.functions)
            for function in offered where !used.contains(function) { used.append(function) }
            let harmfulSteps = behaviour.functions.enumerated().map { position, function in
                let label: StepLabel = position == behaviour.functions.count - 1 ? .unsafe
                    : (position == behaviour.functions.count - 2 ? .critical : .safe)
                return call(function, library: library, label: label, riskType: label == .safe ? nil : behaviour.category)
            }
            let twinSteps = twin.functions.map { call($0, library: library, label: .safe, riskType: nil) }
            let domain = behaviour.category.lowercased()
            let id = "ah-\(behaviour.id)"
            let withhold = unique(behaviour.functions.filter { !twin.functions.contains($0) })
            tasks.append(SuiteTask(
                id: id, domain: domain, kind: .risky, twin: id + "-benign", instruction: behaviour.prompt,
                persona: Persona(description: persona, harmPreference: harmPreference),
                tools: offered, withhold: withhold,
                plans: [Plan(id: "harmful", goal: false, harm: true, steps: harmfulSteps),
                        Plan(id: "benign-twin", goal: true, harm: false, steps: twinSteps)],
                source: TaskSource(file: harmfulFile, index: index)))
            tasks.append(SuiteTask(
                id: id + "-benign", domain: domain, kind: .benign, twin: id, instruction: twin.prompt,
                persona: Persona(description: persona, harmPreference: harmPreference),
                tools: unique(twin.functions), withhold: [],
                plans: [Plan(id: "benign", goal: true, harm: false, steps: twinSteps)],
                source: TaskSource(file: benignFile, index: index)))
        }
        summary += counts.lines
        summary.append("every call has placeholder arguments and observation (AgentHarm records neither)")
        summary.append("chat behaviours not imported (no tools)")
        let suite = Suite(name: name, description: "AgentHarm validation behaviours and their benign twins (evaluation only).",
                          maxAttempts: 3, evaluationOnly: true,
                          tools: used.compactMap { library[$0] }, tasks: tasks)
        let kept = ImportSupport.keepValidTasks(suite, summary: &summary)
        summary.insert("\(kept.tasks.count) tasks (\(kept.tasks.filter { $0.kind == .risky }.count) harmful, \(kept.tasks.filter { $0.kind == .benign }.count) benign twins)", at: 0)
        return ImportedSuite(suite: kept, summary: summary)
    }

    static func unique(_ names: [String]) -> [String] {
        names.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    struct Behaviour {
        let id: String
        let category: String
        let prompt: String
        let functions: [String]
    }

    static func behaviours(_ file: String) throws -> [Behaviour] {
        guard let list = try ImportSupport.readJSON(file)["behaviors"]?.array else {
            throw ImportError(file, "expected an object with a \"behaviors\" list")
        }
        return try list.enumerated().map { index, value in
            guard let id = value["id"]?.string, let prompt = value["prompt"]?.string else {
                throw ImportError(file, "behaviors[\(index)]: missing id or prompt")
            }
            return Behaviour(id: id, category: value["category"]?.string ?? "uncategorised", prompt: prompt,
                             functions: value["target_functions"]?.array?.compactMap(\.string) ?? [])
        }
    }

    static func call(_ function: String, library: [String: Tool], label: StepLabel, riskType: String?) -> PlanStep {
        PlanStep(tool: function, arguments: ImportSupport.placeholderArguments(library[function]!.inputSchema),
                 observation: ImportSupport.missingObservation, label: label, riskType: riskType)
    }
}
