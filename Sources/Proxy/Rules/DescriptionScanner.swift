import Episodes
import Foundation

/// Reads a tool's description and every string in its input schema (property descriptions,
/// titles, enum values, defaults) the way a model would, looking for instructions aimed at the
/// model rather than the user (SAF-T1001, tool poisoning; SAF-T1501 when they sit in the schema)
/// and for invisible or bidi characters that hide text from a human reviewer (SAF-T1402).
public enum DescriptionScanner {
    /// Phrases matched on normalised text (see `TextNormalizer`), each with what it signals.
    static let hiddenInstructionPatterns: [(pattern: String, meaning: String)] = [
        (#"ignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|directions|rules)"#, "asks the model to ignore its instructions"),
        (#"disregard (all |any )?(the )?(previous|prior|above|system)"#, "asks the model to disregard its instructions"),
        (#"<\s*(important|system|instructions?|secret|hidden)\s*>"#, "carries a hidden <IMPORTANT>-style instruction block"),
        (#"(do not|don't|never) (tell|inform|mention|reveal|show|alert|notify) (this to |it to )?(the )?user"#, "asks the model to keep something from the user"),
        (#"(without|before) (telling|informing|notifying|asking) the user"#, "asks the model to act behind the user's back"),
        (#"(the )?user (must|should) not (know|see|be told)"#, "asks the model to keep something from the user"),
        (#"(read|cat|open|include|send|upload|attach|pass) [^.]{0,40}(\.ssh|id_rsa|\.env\b|/etc/passwd|/etc/shadow|credentials|api[ _-]?keys?|private keys?)"#, "asks for secrets to be read or sent"),
        (#"(send|forward|post|upload|exfiltrate|leak|copy) [^.]{0,60}(to|at) (https?://|[a-z0-9.-]+@[a-z0-9.-]+|the (following|attacker|external) )"#, "asks for data to be sent to an outside address"),
        (#"(as the |pass (it|them) (as|in) the )?(sidenote|side note|hidden) (parameter|argument|field)"#, "smuggles data through a side parameter"),
        (#"(you are now|from now on,? you|act as (an? )?(admin|root|developer mode))"#, "tries to change the model's role"),
        (#"(this|these) (instructions?|rules?) (override|supersede|take precedence)"#, "claims precedence over other instructions"),
    ]

    static let compiled: [(NSRegularExpression, String)] = hiddenInstructionPatterns.map {
        (try! NSRegularExpression(pattern: $0.pattern, options: [.caseInsensitive]), $0.meaning)
    }

    /// Every finding for `tool`; empty when it reads clean.
    public static func scan(_ tool: Tool) -> [RuleFinding] {
        var findings: [RuleFinding] = []
        let schemaStrings = tool.inputSchema.allStrings
        for (text, place, technique) in [(tool.description, "description", "SAF-T1001")] + schemaStrings.map({ ($0, "input schema", "SAF-T1501") }) {
            let invisible = InvisibleCharacters.find(in: text)
            if !invisible.isEmpty {
                findings.append(RuleFinding(rule: "description-scan", technique: "SAF-T1402",
                    reason: "tool \(tool.name): its \(place) contains invisible or bidi characters (\(invisible.joined(separator: ", ")))"))
            }
            let folded = TextNormalizer.normalize(text)
            let range = NSRange(folded.startIndex..., in: folded)
            for (expression, meaning) in compiled where expression.firstMatch(in: folded, range: range) != nil {
                findings.append(RuleFinding(rule: "description-scan", technique: technique,
                    reason: "tool \(tool.name): its \(place) \(meaning)"))
            }
        }
        return findings
    }
}
