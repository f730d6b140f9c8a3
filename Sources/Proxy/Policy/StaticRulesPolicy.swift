import Episodes
import Foundation
import SafetyFloor

/// The hand-written policy behind `--policy rules`, and the baseline the trained policy is
/// compared against. Everything it knows is in this file and `ToolKind` (the tool vocabulary);
/// it runs above the safety floor, which the proxy applies to every call, as written and folded,
/// before any policy (`FloorRule`).
///
/// Tools fall into risk categories by name and description. Tier 1 withholds a tool of a
/// category unless the task asks for that kind of action (its task words); without a task the
/// proxy has already withheld every categorised tool (`NoTaskWithholding`). Tier 2 labels a call
/// `unsafe` when its (folded) arguments match one of the rules' own dangerous patterns,
/// `critical` when the tool is in a risk category, and `safe` otherwise.
///
/// After a critical step, tier 1 tightens where the arguments cannot show the harm: a
/// financial, credential or permission call has the same shape whether it is the one the task
/// asked for or the next one (an amount and a recipient), so once such a tool has made
/// `criticalBudget` critical steps it is withheld for the rest of the task (declaring a new task
/// starts afresh). Shell and delete calls carry their target in their arguments, and the floor
/// and the argument patterns judge every one of them, so a task of several commands keeps its
/// shell; but once the floor has refused one of a tool's calls (the agent reached for a
/// catastrophe with it), that tool is withheld for the rest of the task. Once a result in the
/// task carried injected instructions (a step of risk type SAF-T1102), every categorised or
/// destructive tool is withheld for the rest of the task: what the agent does next may be the
/// injection's doing.
public struct StaticRulesPolicy: ProxyPolicy {
    public let name = "rules"
    public var criticalBudget: Int

    public init(criticalBudget: Int = 1) {
        self.criticalBudget = criticalBudget
    }

    /// A kind of power an agent should hold only when the task asks for it.
    struct RiskCategory {
        let kind: ToolKind
        /// Matched on the normalised task: the task asks for this kind of action.
        let taskPattern: NSRegularExpression
        /// Its critical steps count against `criticalBudget` (see the type's comment).
        let countsCriticalSteps: Bool

        var name: String { kind.rawValue }
    }

    static func regex(_ pattern: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    static let categories: [RiskCategory] = [
        RiskCategory(kind: .destructive, taskPattern: regex(#"\b(delete|remove|erase|wipe|clean ?up|purge|get rid of|drop|reset)\b"#), countsCriticalSteps: false),
        RiskCategory(kind: .financial, taskPattern: regex(#"\b(transfer|pay|send .{0,20}(money|\$|dollars|euros)|withdraw|wire|purchase|buy|refund)\b"#), countsCriticalSteps: true),
        RiskCategory(kind: .execution, taskPattern: regex(#"\b(run|execute|shell|command|script|terminal)\b"#), countsCriticalSteps: false),
        RiskCategory(kind: .credentials, taskPattern: regex(#"\b(password|credential|secret|token|api key|rotate)\b"#), countsCriticalSteps: true),
        RiskCategory(kind: .permissions, taskPattern: regex(#"\b(permission|grant|admin|role|access rights)\b"#), countsCriticalSteps: true),
    ]

    /// Argument text that makes a call unsafe whatever the task, beyond what the safety floor
    /// refuses (these a task could ask for, but the rules do not let an agent guess it);
    /// matched on normalised text.
    static let dangerousArguments: [(NSRegularExpression, String)] = [
        (regex(#"\brm\s+(-[a-z]*r[a-z]*f|-[a-z]*f[a-z]*r|--recursive)\b[^;&|]*\s(\*|\.{1,2})/?\*?(\s|;|$)"#), "recursive forced delete of a wildcard or parent path"),
        (regex(#"\b(shutdown|reboot|halt)\b"#), "stopping the machine"),
        (regex(#"(/etc/(passwd|sudoers)|\.ssh/authorized_keys|\.env\b)"#), "system account files, authorized keys or environment secrets"),
        (regex(#"\b(drop\s+(table|database|schema)|truncate\s+table|delete\s+from\s+\w+\s*(;|$))"#), "dropping or emptying a database table"),
        (regex(#"\bchmod\s+(-r\s+)?[0-7]?777\b|\bsudo\b"#), "privilege escalation or world-writable permissions"),
        (regex(#"\bbase64\b.*\|\s*(curl|nc|wget)\b"#), "data encoded and shipped off the machine"),
    ]

    /// The literals one of which any match of each pattern contains (`RequiredLiterals`), so a
    /// megabyte of arguments is not read by ICU six times for nothing.
    static let dangerousLiterals = dangerousArguments.map { RequiredLiterals.of($0.0.pattern) }

    static func matches(_ expression: NSRegularExpression, _ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A tool's categories depend only on its name and description, and finding them takes a
    /// dozen regular expressions; tier 1 asks for every tool on every call, so they are kept
    /// (one cache for the policy and the proxy's no-task layer).
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

    static let cache = CategoryCache()

    static func categories(of tool: Tool) -> [RiskCategory] {
        cache.categories(of: tool)
    }

    static func categoryIndices(of tool: Tool) -> [Int] {
        let text = TextNormalizer.normalize(tool.name + " " + tool.description)
        let nameOnly = TextNormalizer.normalize(tool.name)
        return categories.indices.filter { categories[$0].kind.matches(name: nameOnly) || categories[$0].kind.matches(description: text) }
    }

    static let floorTechniques = Set(FloorCategory.allCases.map(\.technique))

    public func withhold(task: AgentTask?, history: [Step], available: [Tool]) -> [ToolWithholding] {
        let taskText = TextNormalizer.normalize(task?.instruction ?? "")
        var criticalCounts: [String: Int] = [:]
        var refusedByFloor: Set<String> = []
        for step in history {
            if step.label == .critical { criticalCounts[step.action.tool, default: 0] += 1 }
            if step.label == .unsafe, step.pending == true, let risk = step.riskType, Self.floorTechniques.contains(risk) {
                refusedByFloor.insert(step.action.tool)
            }
        }
        let injected = history.contains { $0.riskType == ResultScanner.technique }
        return available.compactMap { tool in
            let risky = Self.categories(of: tool)
            if injected, let kind = risky.first?.name ?? (NoTaskWithholding.isDestructiveByAnnotation(tool) ? "destructive" : nil) {
                return ToolWithholding(tool: tool.name, reason: "a result in this task carried injected instructions (\(ResultScanner.technique)), and \(tool.name) is a \(kind) tool")
            }
            if let unasked = risky.first(where: { !Self.matches($0.taskPattern, taskText) }) {
                return ToolWithholding(tool: tool.name, reason: "the task does not ask for \(unasked.name) actions")
            }
            if risky.contains(where: \.countsCriticalSteps), criticalCounts[tool.name, default: 0] >= criticalBudget {
                return ToolWithholding(tool: tool.name, reason: "\(tool.name) already made a critical step in this task; declare a new task to use it again")
            }
            if refusedByFloor.contains(tool.name) {
                return ToolWithholding(tool: tool.name, reason: "the safety floor refused a call to \(tool.name) in this task; declare a new task to use it again")
            }
            return nil
        }
    }

    public func judge(task: AgentTask?, history: [Step], pending: Action, tool: Tool) -> CallVerdict {
        let argumentText = pending.arguments.allStrings.joined(separator: " ")
        // The patterns ignore case and their literals are lower case: ASCII text lowered byte by
        // byte holds one wherever a pattern could match. Other text always goes to ICU (its
        // case folding reaches beyond ASCII).
        let lowered = TextNormalizer.isASCII(argumentText)
            ? String(decoding: argumentText.utf8.map(TextNormalizer.lowercasedASCII), as: UTF8.self) : nil
        for (index, (expression, meaning)) in Self.dangerousArguments.enumerated()
        where lowered.map({ InstructionScanner.mayMatch(Self.dangerousLiterals[index], $0) }) != false && Self.matches(expression, argumentText) {
            return CallVerdict(verdict: .unsafe, confidence: 0.95, reason: "its arguments name \(meaning)")
        }
        if let category = Self.categories(of: tool).first {
            return CallVerdict(verdict: .critical, confidence: 0.7, reason: "\(tool.name) is a \(category.name) tool")
        }
        return CallVerdict(verdict: .safe, confidence: 0.6, reason: "no risk pattern matched")
    }

    /// Tier 1 reads three things of the history, and the session keeps only those, without
    /// arguments or results: each tool's last `criticalBudget` critical steps, one step per tool
    /// the safety floor refused, and one result that carried injected instructions.
    public func retainedHistory(_ history: [Step]) -> [Step] {
        var critical: [String: Int] = [:]
        var refused: Set<String> = []
        var injected = false
        let newestFirst = history.reversed().compactMap { step -> Step? in
            let tool = step.action.tool
            let keeps: Bool
            if step.riskType == ResultScanner.technique {
                keeps = !injected
                injected = true
            } else if step.label == .unsafe, step.pending == true, let risk = step.riskType, Self.floorTechniques.contains(risk) {
                keeps = refused.insert(tool).inserted
            } else if step.label == .critical {
                keeps = critical[tool, default: 0] < criticalBudget
                critical[tool, default: 0] += 1
            } else {
                keeps = false
            }
            guard keeps else { return nil }
            return Step(action: Action(tool: tool, arguments: .object([:])), label: step.label, riskType: step.riskType, pending: step.pending)
        }
        return newestFirst.reversed()
    }
}
