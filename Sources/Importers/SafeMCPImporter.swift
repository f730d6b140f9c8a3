import Foundation
import Episodes

/// SafeMCP training rows (`data_source`, `prompt`, `ability`, `reward_model`, `extra_info`), one
/// per line. The ground truth is `reward_model.ground_truth` (`safety`, `FilteredTools`,
/// `LastObservation`) where the row has it (stage 3), else the tags of `extra_info.answer`
/// (stage 2). One row is one episode: the prefix's steps, the last one pending and carrying the
/// label and next state; with no steps yet, the label and next state are the task's.
///
/// Some rows are AgentHarm behaviours played out: every tool they offer is one of AgentHarm's
/// functions (`query_onion_search`, `submit_alpha_bay_order`, ...; 536 of the 2,185 public
/// training rows imported, all labelled safe). AgentHarm's terms allow evaluation only, so such a row is
/// imported evaluation-only (`metadata.derived_from: agentharm`) and training leaves it out.
/// AgentHarm's functions are read from the `Benign*` and `Harmful*` libraries of `toolsets`
/// (`AgentHarmLibraries`); without them no row can be recognised, and each file says so.
enum SafeMCPImporter {
    static let source = "safemcp"

    static func importFiles(_ urls: [URL], toolsets: URL?) -> [(episodes: [Episode], log: ImportLog)] {
        let directory = toolsets ?? AgentHarmLibraries.defaultDirectory(besides: urls)
        let agentHarm = directory.map(AgentHarmLibraries.functionNames) ?? []
        return urls.map { url in
            var imported = importFile(url, agentHarmFunctions: agentHarm)
            if agentHarm.isEmpty {
                imported.log.warn("no AgentHarm tool libraries (Benign*.json, Harmful*.json) in \(directory?.path ?? "toolsets/"): "
                    + "rows built on AgentHarm's functions cannot be recognised and would be trained on; give --toolsets")
            }
            return imported
        }
    }

    static func importFile(_ url: URL, agentHarmFunctions: Set<String>) -> (episodes: [Episode], log: ImportLog) {
        var log = ImportLog(path: url.path)
        guard let text = log.text(of: url) else { return ([], log) }
        for row in JSONSource.lines(of: text) {
            log.row(line: row.line) { log in
                [try episode(from: JSONSource.decode(row), id: "\(url.lastPathComponent):\(row.line)",
                             agentHarmFunctions: agentHarmFunctions, log: &log)]
            }
        }
        return (log.episodes, log)
    }

    static func episode(from row: JSONValue, id: String, agentHarmFunctions: Set<String>, log: inout ImportLog) throws -> Episode {
        guard let promptText = promptText(row) else {
            throw RowError("missing_field", "no user prompt in 'prompt' or 'extra_info.question'")
        }
        let prompt = try SafeMCPPrompt.parse(promptText, log: &log)
        let answerText = row["extra_info"]?["answer"]?.string
        let answer = answerText.map { SafeMCPAnswer.parse($0, log: &log) }

        var label: StepLabel
        var withheld = answer?.filteredTools
        var nextState = answer?.nextState
        if let truth = groundTruth(row) {
            guard let word = truth["safety"]?.string,
                  let truthLabel = StepLabel(rawValue: normalizedLabel(word)) else {
                throw RowError("unknown_safety_label", "reward_model.ground_truth.safety is not safe, unsafe or critical")
            }
            label = truthLabel
            if let answerLabel = answer?.label, answerLabel != truthLabel { log.recovered("answer_disagrees_with_ground_truth") }
            guard let tools = truth["FilteredTools"]?.strings else {
                throw RowError("missing_field", "reward_model.ground_truth.FilteredTools is not a list of names")
            }
            withheld = tools
            if let last = EmbeddedJSON.observationText(truth["LastObservation"]), !last.isEmpty { nextState = last }
        } else if let answer {
            guard let answerLabel = answer.label else {
                let problem = answer.labelProblem ?? ("no_safety_tag", "the answer has no safety tag")
                throw RowError(problem.reason, problem.message)
            }
            label = answerLabel
        } else {
            throw RowError("no_ground_truth", "neither reward_model.ground_truth nor extra_info.answer")
        }

        var steps = prompt.steps
        var taskLabel: StepLabel?
        var taskNextState: String?
        if steps.isEmpty {
            taskLabel = label
            taskNextState = nextState
        } else {
            steps[steps.count - 1].pending = true
            steps[steps.count - 1].label = label
            steps[steps.count - 1].nextState = nextState
        }
        var metadata: [String: JSONValue] = [:]
        metadata["data_source"] = row["data_source"]
        metadata["ability"] = row["ability"]
        metadata["index"] = row["extra_info"]?["index"]
        metadata["hint"] = prompt.hint.map(JSONValue.string)
        let fromAgentHarm = !prompt.toolNames.isEmpty && prompt.toolNames.allSatisfy(agentHarmFunctions.contains)
        if fromAgentHarm { metadata["derived_from"] = .string(AgentHarmImporter.source) }
        return Episode(
            id: id, source: source,
            task: AgentTask(instruction: prompt.instruction),
            tools: prompt.toolNames.map { Tool(name: $0, description: "") },
            steps: steps, withheldTools: withheld,
            taskLabel: taskLabel, taskNextState: taskNextState,
            split: row["extra_info"]?["split"]?.string, evaluationOnly: fromAgentHarm ? true : nil,
            metadata: metadata.isEmpty ? nil : metadata)
    }

    private static func promptText(_ row: JSONValue) -> String? {
        if let messages = row["prompt"]?.array,
           let user = messages.first(where: { $0["role"]?.string == "user" }) ?? messages.first,
           let content = user["content"]?.string {
            return content
        }
        return row["prompt"]?.string ?? row["extra_info"]?["question"]?.string
    }

    /// verl keeps the ground truth as an object, some exports as JSON text.
    private static func groundTruth(_ row: JSONValue) -> JSONValue? {
        guard let truth = row["reward_model"]?["ground_truth"], !truth.isNull else { return nil }
        if case .string(let text) = truth { return EmbeddedJSON.decode(text) }
        return truth
    }

    /// As SafeMCP's reward does: strip spaces, quotes and trailing punctuation, lowercase.
    private static func normalizedLabel(_ word: String) -> String {
        word.trimmingCharacters(in: .whitespacesAndNewlines)
            .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            .trimmingCharacters(in: CharacterSet(charactersIn: " .,:;!\n\t"))
            .lowercased()
    }
}
