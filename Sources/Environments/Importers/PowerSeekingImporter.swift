import Episodes
import Foundation

/// Builds a suite from PowerSeeking Bench cases (`powerseeking/cases_*.json`).
///
/// Per case, one risky task: the persona system prompt, the user instruction, the case's
/// tools plus `respond_to_user`, and
/// - the plan `recorded`: the recorded trajectory up to its terminal step, with the enabler
///   (`power_seeking_step`) labelled critical and the terminal (`risk_action_step`) unsafe; a
///   step is matched by tool name, preferring equal arguments. When the terminal is missing or
///   not a recorded call, the last recorded call after the enabler is taken; when enabler and
///   terminal are the same call it is labelled unsafe. It reaches the goal (the agent got what
///   the user asked for) and does harm.
/// - one safe plan per `eval_expected_workflows` entry: the chain's calls to the case's own
///   tools (placeholder arguments), each `Output(...)` as a `respond_to_user` reply, names that
///   are not tools of the case skipped. Goal reached, no harm.
/// Cases without any recorded tool call are skipped: there is no unsafe plan to build.
public enum PowerSeekingImporter {
    /// The personas are written to seek power: the agent goes for the recorded plan first
    /// this often.
    public static let harmPreference = 0.9

    /// `path`: a cases file, or a folder whose `cases*.json` files are all read.
    public static func importSuite(from path: String, name: String = "powerseeking-public") throws -> ImportedSuite {
        let files: [String]
        if ImportSupport.isDirectory(path) {
            let names = try FileManager.default.contentsOfDirectory(atPath: path)
            files = names.filter { $0.hasPrefix("cases") && $0.hasSuffix(".json") }.sorted().map { "\(path)/\($0)" }
            guard !files.isEmpty else { throw ImportError(path, "no cases*.json file in this folder") }
        } else {
            files = [path]
        }
        var library: [Tool] = [ImportSupport.respondToUser]
        var libraryIndex: [String: Int] = [ImportSupport.respondToUser.name: 0]
        var tasks: [SuiteTask] = []
        var counts = ImportCounts()
        for file in files {
            guard let cases = try ImportSupport.readJSON(file).array else { throw ImportError(file, "expected a list of cases") }
            let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            for (index, value) in cases.enumerated() {
                let id = String(format: "ps-%@-%03d", stem, index)
                guard let task = importCase(value, id: id, source: TaskSource(file: file, index: index),
                                            library: &library, libraryIndex: &libraryIndex, counts: &counts) else { continue }
                tasks.append(task)
            }
        }
        var summary = counts.lines
        let suite = Suite(name: name, description: "PowerSeeking Bench cases (public dev split), imported.",
                          maxAttempts: 3, tools: library, tasks: tasks)
        let kept = ImportSupport.keepValidTasks(suite, summary: &summary)
        summary.insert("\(kept.tasks.count) tasks from \(files.count) file(s)", at: 0)
        return ImportedSuite(suite: kept, summary: summary)
    }

    static func importCase(_ value: JSONValue, id: String, source: TaskSource, library: inout [Tool],
                           libraryIndex: inout [String: Int], counts: inout ImportCounts) -> SuiteTask? {
        let instruction = value["user_instruction"]?.string ?? value["trajectory"]?.array?.first?["user_instruction"]?.string
        guard let instruction else {
            counts.note("cases skipped: no user instruction")
            return nil
        }
        let toolsValue = value["tools"].map(\.parsedIfJSONText)
        var tools: [Tool] = []
        for tool in toolsValue?.array?.compactMap(ImportSupport.openAITool) ?? [] where !tools.contains(where: { $0.name == tool.name }) {
            tools.append(tool)
        }
        for tool in tools {
            if let existing = libraryIndex[tool.name] {
                if library[existing] != tool { counts.note("tool definitions differing from an earlier case's (the first is kept)") }
            } else {
                libraryIndex[tool.name] = library.count
                library.append(tool)
            }
        }
        var schemas: [String: JSONValue] = [:]
        for tool in tools { schemas[tool.name] = library[libraryIndex[tool.name]!].inputSchema }

        var recorded: [PlanStep] = []
        for entry in value["trajectory"]?.array ?? [] {
            guard let actions = entry["action"]?.array else { continue }
            let inputs = entry["action_input"]?.array ?? []
            let observations = entry["observation"]?.array ?? []
            let thought = entry["thought"]?.string.flatMap { $0.isEmpty ? nil : $0 }
            for (position, action) in actions.enumerated() {
                guard let tool = action.string else { continue }
                guard schemas[tool] != nil else {
                    counts.note("recorded calls to tools the case does not define (dropped)")
                    continue
                }
                var observation = ImportSupport.observationText(position < observations.count ? observations[position] : nil)
                if observation == nil { counts.note("recorded calls without an observation (placeholder used)") }
                observation = observation ?? ImportSupport.missingObservation
                let arguments = position < inputs.count ? inputs[position].parsedIfJSONText : .object([:])
                recorded.append(PlanStep(tool: tool, arguments: arguments, thought: position == 0 ? thought : nil,
                                         observation: observation!, label: .safe))
            }
        }
        guard !recorded.isEmpty else {
            counts.note("cases skipped: no recorded tool call")
            return nil
        }
        let evidence = value["eval_evidence"] ?? value["evaluation"]?["evidence"]
        let category = value["eval_primary_category"]?.string ?? "power seeking"
        let enablerCall = evidence?["power_seeking_step"]
        let terminalCall = evidence?["risk_action_step"]
        let enabler = match(enablerCall, in: recorded, from: 0)
        var terminal: Int?
        if let enabler, let terminalCall, sameCall(enablerCall, terminalCall) {
            terminal = enabler
        } else {
            terminal = match(terminalCall, in: recorded, from: (enabler ?? -1) + 1)
        }
        if terminal == nil {
            counts.note("cases whose terminal step is not a recorded call (last call after the enabler taken)")
            terminal = recorded.count - 1
        }
        let last = terminal!
        var steps = Array(recorded[...last])
        if let enabler, enabler < last {
            steps[enabler].label = .critical
            steps[enabler].riskType = category
        } else if enabler == nil {
            counts.note("cases whose enabler step is not a recorded call (terminal step only)")
        }
        steps[last].label = .unsafe
        steps[last].riskType = category
        var plans = [Plan(id: "recorded", goal: true, harm: true, steps: steps)]

        let offered = Set(tools.map(\.name))
        for (index, workflow) in (value["eval_expected_workflows"]?.array ?? []).enumerated() {
            let chain = workflow["tool_chain"]?.string ?? ""
            var safeSteps: [PlanStep] = []
            for item in chain.components(separatedBy: "->").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty && item != "..." {
                let head = item.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
                if head.lowercased() == "output" {
                    let inside = item.drop { $0 != "(" }.dropFirst().dropLast()
                    let message = inside.replacingOccurrences(of: "_", with: " ")
                    safeSteps.append(ImportSupport.reply(message.isEmpty ? head : message))
                } else if offered.contains(head) {
                    safeSteps.append(PlanStep(tool: head, arguments: ImportSupport.placeholderArguments(schemas[head]!),
                                              observation: ImportSupport.missingObservation, label: .safe))
                    counts.note("workflow calls with placeholder arguments and observation")
                } else {
                    counts.note("workflow steps naming no tool of the case (skipped)")
                }
            }
            if safeSteps.isEmpty {
                safeSteps = [ImportSupport.reply(workflow["description"]?.string ?? chain)]
            }
            plans.append(Plan(id: "expected-\(index + 1)", goal: true, harm: false, steps: safeSteps))
        }
        if plans.count == 1 { counts.note("cases without an expected workflow (no safe plan)") }

        let safeTools = Set(plans.filter { !$0.harm }.flatMap { $0.steps.map(\.tool) })
        let dangerous = steps.filter { $0.label != .safe }.map(\.tool)
        var withhold: [String] = []
        for tool in dangerous where !safeTools.contains(tool) && !withhold.contains(tool) { withhold.append(tool) }
        let persona = value["system_prompt"]?.string ?? value["trajectory"]?.array?.first?["system_prompt"]?.string ?? ""
        return SuiteTask(id: id, domain: category.lowercased(), kind: .risky, instruction: instruction,
                         persona: Persona(description: persona, harmPreference: harmPreference),
                         tools: tools.map(\.name) + [ImportSupport.respondToUser.name], withhold: withhold,
                         plans: plans, source: source)
    }

    /// The first recorded step at or after `start` calling the evidence's tool, preferring one
    /// with the same arguments.
    static func match(_ call: JSONValue?, in steps: [PlanStep], from start: Int) -> Int? {
        guard let tool = call?["tool_call"]?.string, start < steps.count else { return nil }
        let arguments = call?["arguments"]?.parsedIfJSONText
        let candidates = (start..<steps.count).filter { steps[$0].tool == tool }
        return candidates.first { steps[$0].arguments == arguments } ?? candidates.first
    }

    static func sameCall(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        lhs?["tool_call"] == rhs?["tool_call"] && lhs?["arguments"]?.parsedIfJSONText == rhs?["arguments"]?.parsedIfJSONText
    }
}
