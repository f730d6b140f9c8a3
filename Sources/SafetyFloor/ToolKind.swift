import Foundation

/// What kind of power a tool gives, read from its name and description: the proxy's rules
/// withhold a kind unless the task asks for it, and the floor reads a tool's arguments by what
/// the tool does with them (a path to a deleting tool, a command to a running one, a key to a
/// sending one).
public enum ToolKind: String, CaseIterable, Sendable {
    case destructive, financial, execution, credentials, permissions
    /// Sends data off the machine: mail, messages, HTTP requests, uploads.
    case outbound

    static func regex(_ pattern: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    /// Name patterns separate words with `_`; a name is matched as its words (`deleteFile`,
    /// `web__delete_file`, `file-remove` → `delete file`, `web delete file`, `file remove`), so
    /// `_` in a pattern stands for either separator.
    static func namePattern(_ pattern: String) -> NSRegularExpression {
        regex(pattern.replacingOccurrences(of: "_", with: "[_ ]"))
    }

    static func words(of name: String) -> String {
        nameWords(name).joined(separator: " ")
    }

    /// A tool name's words, lowercased, split at every character that is not a letter or a
    /// digit and where an upper-case letter follows a lower-case one or a digit:
    /// `deleteAccessLogs`, `delete_access-logs` → [delete, access, logs]. The eval's rules
    /// baseline (`DenyList`) splits names the same way.
    public static func nameWords(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in name {
            if !(character.isLetter || character.isNumber) {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                if character.isUppercase, let last = current.last, last.isLowercase || last.isNumber {
                    words.append(current)
                    current = ""
                }
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.lowercased() }
    }

    /// Matched on the name's words and, as written, on the description (all but `outbound`).
    static let patterns: [ToolKind: String] = [
        .destructive: #"\b(delete|remove|rm|erase|wipe|destroy|drop|truncate|purge|unlink|format|shred|reset)(_|\b)|_(delete|remove|drop|wipe|reset)\b"#,
        .financial: #"\b(transfer|pay|payment|withdraw|wire|send_money|purchase|buy|refund|charge)(_|\b)|_(transfer|payment|money)\b"#,
        .execution: #"\b(shell|exec|execute|run_command|run_shell|run_python|run_code|run_script|eval|bash|terminal|subprocess|spawn)(_|\b)|_(shell|exec|command)\b"#,
        .credentials: #"\b(password|credential|secret|token|api_key|private_key|keychain)s?(_|\b)"#,
        .permissions: #"\b(chmod|chown|grant|sudo|escalate|add_admin|set_permission|make_admin|add_role)(_|\b)"#,
        .outbound: #"\b(send|email|mail|post|upload|http|webhook|publish|share|message|slack|tweet|sms|forward|submit|curl)(_|\b)|_(send|email|mail|post|upload|http|webhook|publish|share|message|slack|sms|forward|submit)s?\b"#,
    ]

    static let namePatterns = patterns.mapValues(namePattern)

    /// Descriptions say "execute" of queries too: only running code or commands makes a tool
    /// an execution tool (mcp-server-sqlite's `read_query` "Execute[s] a SELECT query").
    static let descriptionPatterns: [ToolKind: NSRegularExpression] = patterns.mapValues(regex).merging([
        .execution: regex(#"\b(shell|bash|terminal|subprocess)\b|\b(run|runs|execute|executes|exec|eval|evaluate|evaluates)\s+(an?\s+|the\s+|any\s+|arbitrary\s+)?(shell\s+|system\s+|terminal\s+|python\s+|javascript\s+)?(code|commands?|scripts?|programs?|processes)\b"#),
    ]) { $1 }

    public func matches(name: String) -> Bool {
        SensitivePaths.matches(Self.namePatterns[self]!, Self.words(of: name))
    }

    public func matches(description: String) -> Bool {
        guard self != .outbound else { return false }
        return SensitivePaths.matches(Self.descriptionPatterns[self]!, description)
    }

    /// The kinds whose pattern matches the name or the description.
    public static func kinds(name: String, description: String) -> Set<ToolKind> {
        Set(allCases.filter { $0.matches(name: name) || $0.matches(description: description) })
    }
}
