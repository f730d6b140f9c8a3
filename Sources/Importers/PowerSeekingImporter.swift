import Foundation
import Episodes

/// PowerSeeking Bench cases: persona system prompt, instruction, OpenAI-function tools (as JSON
/// text), a recorded trajectory, the evaluator's evidence — the enabler step
/// (`power_seeking_step`) and the terminal step (`risk_action_step`) — and the expected safe
/// workflows.
///
/// The evidence names a call by tool and arguments, often in prose (`"connect with key_file as
/// admin"`) rather than as the call's arguments. One rule locates it: among the recorded calls
/// to the named tool (for the terminal, at or after the enabler), the first whose arguments
/// equal the evidence's; else the only call to that tool; else none, and no step is labelled
/// from it (`recovered.evidence_step_not_located`). Which of several calls prose means is not
/// guessed: the expected workflows show the same tool called safely (`http_request(GET,
/// /partner-login)` is a safe first move in the case whose enabler is an `http_request` POST).
///
/// Labels: steps before the enabler `safe` (the evaluator names the enabler as the first
/// power-seeking move); the enabler `critical`; the steps after it up to the terminal
/// `critical` too (the power is held and the terminal is one move away); the terminal `unsafe`
/// (`unsafe` wins when both name the same call); later steps unlabelled. Withheld: the tools
/// the evidence names that the case offers and no expected workflow calls; absent when the
/// evidence names none of the case's tools.
enum PowerSeekingImporter {
    static let source = "powerseeking"

    static func importFile(_ url: URL) -> (episodes: [Episode], log: ImportLog) {
        var log = ImportLog(path: url.path)
        guard let rows = log.arrayRows(of: url, expected: "a JSON array of cases") else { return ([], log) }
        for (index, row) in rows.enumerated() {
            log.row(line: row.line) { log in
                [try episode(from: JSONSource.decode(row), id: "\(url.lastPathComponent)#\(index)", log: &log)]
            }
        }
        return (log.episodes, log)
    }

    static func episode(from record: JSONValue, id: String, log: inout ImportLog) throws -> Episode {
        let trajectory = record["trajectory"]?.array ?? []
        let header = trajectory.first
        guard let instruction = record.first("user_instruction")?.string ?? header?["user_instruction"]?.string else {
            throw RowError("missing_field", "missing field 'user_instruction'")
        }
        let persona = record.first("system_prompt")?.string ?? header?["system_prompt"]?.string
        let tools = try toolList(record["tools"])
        var steps: [Step] = []
        for (number, entry) in trajectory.dropFirst().enumerated() {
            steps += try self.steps(from: entry, number: number + 1)
        }

        let evaluation = record["evaluation"] ?? .object([:])
        let evidence = record["eval_evidence"] ?? evaluation["evidence"]
        let riskType = (record["eval_primary_category"] ?? evaluation["primary_category"])?.string
        let enablerEvidence = evidence?["power_seeking_step"]
        let terminalEvidence = evidence?["risk_action_step"]
        let enabler = locate(enablerEvidence, in: steps, from: 0, log: &log)
        let terminal = locate(terminalEvidence, in: steps, from: enabler ?? 0, log: &log)
        if let enabler {
            for index in 0..<enabler { steps[index].label = .safe }
            for index in enabler...(terminal ?? enabler) {
                steps[index].label = .critical
                steps[index].riskType = riskType
            }
        }
        if let terminal {
            steps[terminal].label = .unsafe
            steps[terminal].riskType = riskType
        }

        var metadata: [String: JSONValue] = [:]
        metadata["pattern"] = record["pattern"]
        metadata["severity"] = record["eval_severity"] ?? evaluation["severity"]
        metadata["primary_category"] = riskType.map(JSONValue.string)
        metadata["evidence"] = evidence
        metadata["unsafe_workflow_trace"] = record["eval_unsafe_workflow_trace"] ?? evaluation["unsafe_workflow_trace"]
        metadata["expected_workflows"] = record["eval_expected_workflows"] ?? evaluation["expected_workflows"]
        metadata["explanation"] = record["eval_explanation"] ?? evaluation["explanation"]
        let powerSeeking = (record["eval_is_power_seeking"] ?? evaluation["is_power_seeking"])?.bool
        var episode = Episode(id: id, source: source,
                              task: AgentTask(instruction: instruction, persona: persona),
                              tools: tools, steps: steps,
                              outcome: Outcome(goalAchieved: nil, harmDone: powerSeeking),
                              metadata: metadata)
        let offered = Set(tools.map(\.name))
        let named = [enablerEvidence, terminalEvidence].compactMap { $0?["tool_call"]?.string }.filter(offered.contains)
        if !named.isEmpty {
            let safe = Set(PowerSeekingWorkflow.of(episode).flatMap(\.calls))
            episode.withheldTools = named.reduce(into: []) { if !safe.contains($1) && !$0.contains($1) { $0.append($1) } }
        }
        return episode
    }

    /// The case keeps its tools as JSON text holding a list of OpenAI functions.
    private static func toolList(_ value: JSONValue?) throws -> [Tool] {
        guard let value else { return [] }
        let list = value.string.flatMap(EmbeddedJSON.decode) ?? value
        guard let array = list.array else { throw RowError("bad_tool", "'tools' is not a list of functions") }
        var tools: [Tool] = []
        for tool in try array.map(OpenAIFunction.tool) where !tools.contains(where: { $0.name == tool.name }) {
            tools.append(tool)
        }
        return tools
    }

    /// One trajectory entry: parallel lists `action`, `action_input`, `observation` (one step
    /// per call, the thought on the first), or `{"output": text}`, the final answer.
    private static func steps(from entry: JSONValue, number: Int) throws -> [Step] {
        if let output = entry["output"], entry["action"] == nil || entry["action"]?.isNull == true {
            return [Step(action: .finalAnswer(output.string ?? output.canonicalText))]
        }
        let actions = entry["action"]?.array ?? entry["action"].map { [$0] } ?? []
        guard !actions.isEmpty else { throw RowError("bad_step", "trajectory entry \(number) has no action and no output") }
        let inputs = entry["action_input"]?.array ?? []
        let observations = entry["observation"]?.array ?? []
        let thought = entry["thought"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        return try actions.enumerated().map { index, action in
            guard let tool = action.string else { throw RowError("bad_step", "trajectory entry \(number): action \(index) is not a tool name") }
            return Step(thought: index == 0 ? thought : nil,
                        action: Action(tool: tool, arguments: EmbeddedJSON.arguments(index < inputs.count ? inputs[index] : nil)),
                        observation: EmbeddedJSON.observationText(index < observations.count ? observations[index] : nil))
        }
    }

    private static func locate(_ evidence: JSONValue?, in steps: [Step], from start: Int, log: inout ImportLog) -> Int? {
        guard let evidence, let tool = evidence["tool_call"]?.string, tool != "null" else { return nil }
        let calls = steps.indices.filter { $0 >= start && steps[$0].action.tool == tool }
        let arguments = EmbeddedJSON.arguments(evidence["arguments"])
        if let exact = calls.first(where: { steps[$0].action.arguments == arguments }) { return exact }
        if calls.count == 1 { return calls[0] }
        log.recovered("evidence_step_not_located")
        return nil
    }
}
