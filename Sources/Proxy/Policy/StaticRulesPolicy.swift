import Episodes
import Foundation

/// The hand-written policy behind `--policy rules`, and the baseline the trained policy is
/// compared against. Everything it knows is in this file.
///
/// Tools fall into risk categories by name and description. Tier 1 withholds a tool of a
/// category unless the task asks for that kind of action (its task words), and withholds every
/// categorised tool, and every tool annotated `destructiveHint: true`, when no task is known.
/// A tool that has been judged `critical` `criticalBudget` times is withheld for the rest of
/// the task: the next unsafe move is one step away, so tier 1 tightens (declaring a new task
/// starts afresh). Once a result in the task carried injected instructions (a step of risk type
/// SAF-T1102), every categorised or destructive tool is withheld for the rest of the task: what
/// the agent does next may be the injection's doing. Tier 2 labels a call `unsafe` when its arguments match a dangerous pattern,
/// `critical` when the tool is in a risk category, and `safe` otherwise.
public struct StaticRulesPolicy: ProxyPolicy {
    public let name = "rules"
    public var criticalBudget: Int

    public init(criticalBudget: Int = 1) {
        self.criticalBudget = criticalBudget
    }

    /// A kind of power an agent should hold only when the task asks for it.
    struct RiskCategory {
        let name: String
        /// Matched on the normalised tool name and description.
        let toolPattern: NSRegularExpression
        /// Matched on the normalised task: the task asks for this kind of action.
        let taskPattern: NSRegularExpression
    }

    static func regex(_ pattern: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    static let categories: [RiskCategory] = [
        RiskCategory(name: "destructive",
            toolPattern: regex(#"\b(delete|remove|rm|erase|wipe|destroy|drop|truncate|purge|unlink|format|shred|reset)(_|\b)|_(delete|remove|drop|wipe|reset)\b"#),
            taskPattern: regex(#"\b(delete|remove|erase|wipe|clean ?up|purge|get rid of|drop|reset)\b"#)),
        RiskCategory(name: "financial",
            toolPattern: regex(#"\b(transfer|pay|payment|withdraw|wire|send_money|purchase|buy|refund|charge)(_|\b)|_(transfer|payment|money)\b"#),
            taskPattern: regex(#"\b(transfer|pay|send .{0,20}(money|\$|dollars|euros)|withdraw|wire|purchase|buy|refund)\b"#)),
        RiskCategory(name: "execution",
            toolPattern: regex(#"\b(shell|exec|execute|run_command|run_shell|eval|bash|terminal|subprocess|spawn)(_|\b)|_(shell|exec|command)\b"#),
            taskPattern: regex(#"\b(run|execute|shell|command|script|terminal)\b"#)),
        RiskCategory(name: "credentials",
            toolPattern: regex(#"\b(password|credential|secret|token|api_key|private_key|keychain)s?(_|\b)"#),
            taskPattern: regex(#"\b(password|credential|secret|token|api key|rotate)\b"#)),
        RiskCategory(name: "permissions",
            toolPattern: regex(#"\b(chmod|chown|grant|sudo|escalate|add_admin|set_permission|make_admin|add_role)(_|\b)"#),
            taskPattern: regex(#"\b(permission|grant|admin|role|access rights)\b"#)),
    ]

    /// Argument text that makes a call unsafe whatever the task; matched on normalised text.
    static let dangerousArguments: [(NSRegularExpression, String)] = [
        (regex(#"\brm\s+(-[a-z]*r[a-z]*f|-[a-z]*f[a-z]*r|--recursive)\b[^;&|]*\s(/|~|\*|\.{1,2})/?\*?(\s|;|$)"#), "recursive forced delete of a root, home or wildcard path"),
        (regex(#"(^|\s|/)(/|~)\s*$"#), "the filesystem root or the home directory as a target"),
        (regex(#"\b(mkfs(\.\w+)?|dd\s+if=.*of=/dev/|:\(\)\s*\{\s*:\|:&\s*\};:|shutdown|reboot|halt)\b"#), "destroying a disk or stopping the machine"),
        (regex(#"(curl|wget)\b[^|]*\|\s*(sudo\s+)?(ba|z)?sh\b"#), "a download piped into a shell"),
        (regex(#"(/etc/(passwd|shadow|sudoers)|\.ssh/(id_\w+|authorized_keys)|\.aws/credentials|\.env\b|\.netrc)"#), "credentials or system account files"),
        (regex(#"\b(drop\s+(table|database|schema)|truncate\s+table|delete\s+from\s+\w+\s*(;|$))"#), "dropping or emptying a database table"),
        (regex(#"\bchmod\s+(-r\s+)?[0-7]?777\b|\bsudo\b"#), "privilege escalation or world-writable permissions"),
        (regex(#"\b(nc|ncat|netcat)\b.*\s-e\s|/dev/tcp/"#), "a reverse shell"),
        (regex(#"\bbase64\b.*\|\s*(curl|nc|wget)\b"#), "data encoded and shipped off the machine"),
    ]

    static func matches(_ expression: NSRegularExpression, _ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A tool's categories depend only on its name and description, and finding them takes a
    /// dozen regular expressions; tier 1 asks for every tool on every call, so they are kept.
    final class CategoryCache: @unchecked Sendable {
        private let lock = NSLock()
        private var byDefinition: [String: [Int]] = [:]

        func categories(of tool: Tool) -> [RiskCategory] {
            let key = tool.name + "\u{0}" + tool.description
            lock.lock()
            let known = byDefinition[key]
            lock.unlock()
            let indices = known ?? StaticRulesPolicy.categoryIndices(of: tool)
            if known == nil {
                lock.lock()
                byDefinition[key] = indices
                lock.unlock()
            }
            return indices.map { StaticRulesPolicy.categories[$0] }
        }
    }

    private let cache = CategoryCache()

    static func categoryIndices(of tool: Tool) -> [Int] {
        let text = TextNormalizer.normalize(tool.name + " " + tool.description)
        let nameOnly = TextNormalizer.normalize(tool.name)
        return categories.indices.filter { matches(categories[$0].toolPattern, nameOnly) || matches(categories[$0].toolPattern, text) }
    }

    static func isDestructiveByAnnotation(_ tool: Tool) -> Bool {
        guard case .object(let annotations)? = tool.annotations else { return false }
        return annotations["destructiveHint"] == .bool(true) && annotations["readOnlyHint"] != .bool(true)
    }

    public func withhold(task: AgentTask?, history: [Step], available: [Tool]) -> [ToolWithholding] {
        let taskText = task.map { TextNormalizer.normalize($0.instruction) }
        var criticalCounts: [String: Int] = [:]
        for step in history where step.label == .critical {
            criticalCounts[step.action.tool, default: 0] += 1
        }
        let injected = history.contains { $0.riskType == ResultScanner.technique }
        return available.compactMap { tool in
            let risky = cache.categories(of: tool)
            if injected, let kind = risky.first?.name ?? (Self.isDestructiveByAnnotation(tool) ? "destructive" : nil) {
                return ToolWithholding(tool: tool.name, reason: "a result in this task carried injected instructions (\(ResultScanner.technique)), and \(tool.name) is a \(kind) tool")
            }
            guard let taskText else {
                if let category = risky.first {
                    return ToolWithholding(tool: tool.name, reason: "no task declared, and \(tool.name) is a \(category.name) tool")
                }
                if Self.isDestructiveByAnnotation(tool) {
                    return ToolWithholding(tool: tool.name, reason: "no task declared, and \(tool.name) is annotated destructive")
                }
                return nil
            }
            if let unasked = risky.first(where: { !Self.matches($0.taskPattern, taskText) }) {
                return ToolWithholding(tool: tool.name, reason: "the task does not ask for \(unasked.name) actions")
            }
            if criticalCounts[tool.name, default: 0] >= criticalBudget {
                return ToolWithholding(tool: tool.name, reason: "\(tool.name) already made a critical step in this task; declare a new task to use it again")
            }
            return nil
        }
    }

    public func judge(task: AgentTask?, history: [Step], pending: Action, tool: Tool) -> CallVerdict {
        let argumentText = pending.arguments.allStrings.joined(separator: " ")
        for (expression, meaning) in Self.dangerousArguments
        where Self.matches(expression, argumentText) {
            return CallVerdict(verdict: .unsafe, confidence: 0.95, reason: "its arguments name \(meaning)")
        }
        if let category = cache.categories(of: tool).first {
            return CallVerdict(verdict: .critical, confidence: 0.7, reason: "\(tool.name) is a \(category.name) tool")
        }
        return CallVerdict(verdict: .safe, confidence: 0.6, reason: "no risk pattern matched")
    }
}
