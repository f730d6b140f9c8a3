import Foundation
import Episodes

/// What a SafeMCP answer says: `<|next_state|>…<|next_state|>`, `<|safety|>label<|safety|>`,
/// `<|filtered_tools|>[…]<|filtered_tools|>`. Real answers bend the tags (`<safety|>`,
/// `<safety>…</safety>`, `<safety|critical<safety|>`, spaces); a label is read only where a
/// safety tag touches exactly one label word, never from the prose around it.
struct SafeMCPAnswer {
    var label: StepLabel?
    var nextState: String?
    var filteredTools: [String]?

    /// The reason a label could not be read, for the drop count.
    var labelProblem: (reason: String, message: String)?

    private static let labelWords = "(safe|unsafe|critical)"
    /// A safety tag, however bent, followed by the label: `<|safety|>safe`, `<safety|critical`, `<safety_safe>safe`.
    private static let labelAfterTag = regex("<[|/\\s]*safety[^<>\\n]{0,12}?>?\\s*\(labelWords)\\b")
    /// The label followed by a closing safety tag: `safe<|/safety>` (after a broken opening tag).
    private static let labelBeforeTag = regex("\\b\(labelWords)\\s*<[|/\\s]*safety")
    private static let exactForm = regex("<\\|safety\\|>\(labelWords)<\\|safety\\|>")
    private static let emptySafetyTag = regex("<[|/\\s]*safety[|/\\s]*>\\s*<[|/\\s]*safety[|/\\s]*>")
    private static let anySafetyTag = regex("<[^<>\\n]{0,12}safety[^<>\\n]{0,12}>")
    private static let nextStateTag = regex("<[^<>\\n]{0,16}next_state[|/\\s]*>(.*?)<[|/\\s]*next_state[|/\\s]*>", dotAll: true)
    private static let filteredToolsTag = regex("<[^<>\\n]{0,16}filtered_tools[|/\\s]*>(.*?)<[|/\\s]*filtered_tools[|/\\s]*>", dotAll: true)

    static func parse(_ answer: String, log: inout ImportLog) -> SafeMCPAnswer {
        var result = SafeMCPAnswer()
        let labels = Set((matches(labelAfterTag, in: answer) + matches(labelBeforeTag, in: answer)).map { $0.lowercased() })
        if labels.count == 1, let word = labels.first {
            result.label = StepLabel(rawValue: word)
            if matches(exactForm, in: answer).isEmpty { log.recovered("malformed_safety_tag") }
        } else if labels.count > 1 {
            result.labelProblem = ("conflicting_safety_labels", "the safety tags carry different labels: \(labels.sorted().joined(separator: ", "))")
        } else if !matches(emptySafetyTag, in: answer, group: 0).isEmpty {
            result.labelProblem = ("empty_safety_tag", "the safety tag is empty")
        } else if !matches(anySafetyTag, in: answer, group: 0).isEmpty {
            result.labelProblem = ("unreadable_safety_tag", "a safety tag holds no label word")
        } else {
            result.labelProblem = ("no_safety_tag", "the answer has no safety tag")
        }

        if let state = matches(nextStateTag, in: answer).first {
            let text = state.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text == "..." { log.recovered("empty_next_state") } else { result.nextState = text }
        } else {
            log.recovered("no_next_state_tag")
        }

        if let toolsText = matches(filteredToolsTag, in: answer).first {
            result.filteredTools = toolList(toolsText)
            if result.filteredTools == nil { log.recovered("unreadable_filtered_tools") }
        } else {
            log.recovered("no_filtered_tools_tag")
        }
        return result
    }

    /// `["a", "b"]`, `['a', 'b']`, possibly encoded twice; `nil` for anything else.
    static func toolList(_ text: String) -> [String]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        return EmbeddedJSON.decode(trimmed)?.strings
    }

    private static func regex(_ pattern: String, dotAll: Bool = false) -> NSRegularExpression {
        var options: NSRegularExpression.Options = [.caseInsensitive]
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        do {
            return try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            preconditionFailure("invalid pattern \(pattern): \(error)")
        }
    }

    private static func matches(_ regex: NSRegularExpression, in text: String, group: Int = 1) -> [String] {
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: group), in: text).map { String(text[$0]) }
        }
    }
}
