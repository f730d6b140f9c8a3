import Foundation
import Episodes

/// The trajectory prefix of a SafeMCP prompt: instruction, optional hint, available tool names,
/// and the numbered steps (`1. {"Thought": ..., "Action": ..., "Action Input": ..., "Observation": ...}`),
/// the last of which is the pending one.
struct SafeMCPPrompt {
    var instruction: String
    var hint: String?
    var toolNames: [String]
    var steps: [Step]

    static func parse(_ prompt: String, log: inout ImportLog) throws -> SafeMCPPrompt {
        guard let start = prompt.range(of: "[Trajectory Prefix]") else {
            throw RowError("no_trajectory_prefix", "the prompt has no [Trajectory Prefix] section")
        }
        let end = prompt.range(of: "[Protocol", range: start.upperBound..<prompt.endIndex)?.lowerBound ?? prompt.endIndex
        var prefix = Substring(prompt[start.upperBound..<end])

        var steps: [Step] = []
        if let stepsStart = prefix.range(of: "Current steps:") {
            steps = try parseSteps(prefix[stepsStart.upperBound...])
            prefix = prefix[..<stepsStart.lowerBound]
        }
        var toolNames: [String] = []
        if let toolsStart = prefix.range(of: "Available tools:") {
            let listText = prefix[toolsStart.upperBound...].prefix { $0 != "\n" }
            guard let names = PythonLiteral.parse(String(listText))?.strings else {
                throw RowError("bad_tool_list", "the available tools are not a list of names: \(listText.prefix(80))")
            }
            toolNames = names
            prefix = prefix[..<toolsStart.lowerBound]
        }
        var hint: String?
        if let hintStart = prefix.range(of: "\nHint:") {
            hint = trimmed(prefix[hintStart.upperBound...])
            prefix = prefix[..<hintStart.lowerBound]
        }
        if let label = prefix.range(of: "User instruction:") {
            prefix = prefix[label.upperBound...]
        } else {
            log.recovered("instruction_without_label")
        }
        let instruction = trimmed(prefix)
        guard !instruction.isEmpty else { throw RowError("no_instruction", "the trajectory prefix has no user instruction") }
        return SafeMCPPrompt(instruction: instruction, hint: hint, toolNames: toolNames, steps: steps)
    }

    /// Splits `1. {...}\n2. {...}` into steps; each object is found by matching brackets, so a
    /// step whose text holds "\n2. " is never cut in two.
    private static func parseSteps(_ text: Substring) throws -> [Step] {
        var steps: [Step] = []
        var rest = text.drop { $0.isWhitespace }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber }
            guard !number.isEmpty, rest.dropFirst(number.count).first == "." else {
                throw RowError("bad_step", "step \(steps.count + 1): expected '\(steps.count + 1). {' but found \(rest.prefix(40).debugDescription)")
            }
            guard Int(number) == steps.count + 1 else {
                throw RowError("bad_step", "step \(steps.count + 1) is numbered \(number)")
            }
            rest = rest.dropFirst(number.count + 1).drop { $0.isWhitespace }
            guard let objectEnd = endOfBracketedValue(rest) else {
                throw RowError("bad_step", "step \(number): no complete {...} object")
            }
            let objectText = String(rest[..<objectEnd])
            guard let object = EmbeddedJSON.decode(objectText), object.object != nil else {
                throw RowError("bad_step", "step \(number) is neither JSON nor a Python literal: \(objectText.prefix(80))")
            }
            steps.append(try step(from: object, number: String(number)))
            rest = rest[objectEnd...].drop { $0.isWhitespace }
        }
        return steps
    }

    /// The names agents write for "no tool: this is my answer to the user".
    private static let finalAnswerActions: Set<String> = ["output", "final answer", "final_answer", "finalanswer"]

    /// A tool call, or the agent's final answer: an `Output` key, an action named as a final
    /// answer (`"Action": "final answer"`, with the text in `Action Input`), or an action object
    /// holding the text (`"action": {"output": text}`).
    private static func step(from object: JSONValue, number: String) throws -> Step {
        let thought = object.first("Thought", "thought")?.string
        let action = object.first("Action", "action")
        let input = object.first("Action Input", "action_input")
        let observation = EmbeddedJSON.observationText(object.first("Observation", "observation"))
        if let tool = action?.string, !finalAnswerActions.contains(tool.lowercased()) {
            return Step(thought: thought, action: Action(tool: tool, arguments: EmbeddedJSON.arguments(input)), observation: observation)
        }
        let output = object.first("Output", "output", "Final Answer") ?? action?.first("output", "Output")
            ?? (action?.string != nil ? input.map { $0.first("output", "Output") ?? $0 } : nil)
        guard let output else {
            throw RowError("bad_step", "step \(number) has neither an action nor an output")
        }
        return Step(thought: thought, action: .finalAnswer(output.string ?? output.canonicalText), observation: observation)
    }

    /// The index just past the `{...}` or `[...]` value at the start of `text`, honouring both
    /// JSON and Python string quoting.
    static func endOfBracketedValue(_ text: Substring) -> Substring.Index? {
        var depth = 0
        var quote: Character?
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            text.formIndex(after: &index)
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "{", "[", "(": depth += 1
            case "}", "]", ")":
                depth -= 1
                if depth == 0 { return index }
            default:
                if depth == 0 { return nil }
            }
        }
        return nil
    }

    private static func trimmed(_ text: Substring) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
