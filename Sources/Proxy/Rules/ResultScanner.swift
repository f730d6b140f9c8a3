import Episodes

/// Reads what a tool returned, or a resource's contents, for instructions injected into data
/// the agent will read (SAF-T1102, indirect prompt injection): every string in it, content
/// blocks, structured content and embedded resources alike, through `InstructionScanner`.
public enum ResultScanner {
    public static let technique = "SAF-T1102"

    /// `subject` names where the text came from, as a reason reads it: `tool fetch's result`.
    public static func scan(_ result: JSONValue, subject: String) -> [RuleFinding] {
        var findings: [RuleFinding] = []
        for text in result.allStrings {
            for match in InstructionScanner.matches(in: text) {
                let finding = RuleFinding(rule: "result-scan", technique: technique, reason: "\(subject) \(match.description)")
                if !findings.contains(finding) { findings.append(finding) }
            }
        }
        return findings
    }
}
