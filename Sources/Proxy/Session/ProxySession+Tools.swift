import Episodes
import Foundation
import MCP

/// Tier 1 (what `tools/list` offers) and tier 2 (the judgement on each `tools/call`).
extension ProxySession {
    struct TierOne {
        var offered: [CatalogEntry]
        var withheld: [ToolWithholding]
        /// The policy's verdict on the pending call, when one was given.
        var verdict: CallVerdict?
    }

    /// The tools to offer now: rules hold back flagged and denied tools first, then, with no task
    /// declared, every risky tool (`NoTaskWithholding`, for every policy), then the policy
    /// withholds for the task and history. In shadow mode everything is offered, and what would
    /// have been withheld is only logged. With a `pending` call, the policy judges it in the same
    /// pass (tier 2 comes after the rules, but deciding both at once embeds the new texts
    /// together).
    func tierOne(pending: (action: Action, tool: Episodes.Tool)? = nil) async -> TierOne {
        var withheld: [ToolWithholding] = []
        var candidates: [CatalogEntry] = []
        for entry in await core.entries {
            if let finding = entry.findings.first {
                withheld.append(ToolWithholding(tool: entry.exposedName, reason: "\(finding.technique ?? finding.rule): \(finding.reason)"))
            } else if let finding = configuration.accessList.finding(name: entry.exposedName, originalName: entry.originalName) {
                withheld.append(ToolWithholding(tool: entry.exposedName, reason: finding.reason))
            } else if currentTask == nil, let withholding = NoTaskWithholding.withholding(entry.tool) {
                withheld.append(withholding)
            } else {
                candidates.append(entry)
            }
        }
        let task = configuration.policy.readsFoldedText ? currentTask.map(SessionHistory.folded) : currentTask
        var verdict: CallVerdict?
        if let pending {
            let decision = configuration.policy.decide(task: task, history: currentHistory, pending: pending.action, tool: pending.tool,
                                                       available: candidates.map(\.tool))
            withheld += decision.withheld
            verdict = decision.verdict
        } else {
            withheld += configuration.policy.withhold(task: task, history: currentHistory, available: candidates.map(\.tool))
        }
        let withheldNames = Set(withheld.map(\.tool))
        let offered = configuration.mode == .shadow ? await core.entries : candidates.filter { !withheldNames.contains($0.exposedName) }
        return TierOne(offered: offered, withheld: withheld, verdict: verdict)
    }

    func listTools() async -> Value {
        let decision = await tierOne()
        setAnnounced(Set(decision.offered.map(\.exposedName)))
        var event = newEvent(.toolList)
        event.withheld = decision.withheld
        event.offered = decision.offered.map(\.exposedName)
        let listed = Set(event.offered! + decision.withheld.map(\.tool))
        event.descriptions = Dictionary(uniqueKeysWithValues: await core.entries.filter { listed.contains($0.exposedName) }
            .map { ($0.exposedName, $0.tool.description) })
        writeAudit(event)
        var tools = decision.offered.map(\.definition)
        if configuration.task == nil { tools.insert(DeclareTask.definition, at: 0) }
        return .object(["tools": .array(tools)])
    }

    /// Judges one call (rules, then the policy), logs the decision, and either forwards the call
    /// or answers with a block the agent can read.
    func callTool(id: ID, params: Value?) async throws -> Value {
        let started = ProcessInfo.processInfo.systemUptime
        guard let fields = params?.objectValue, let name = fields["name"]?.stringValue else {
            throw JSONRPCMessage.Invalid(code: JSONRPCMessage.invalidParams, message: "tools/call: params.name must be a string")
        }
        let rawArguments = fields["arguments"] ?? .object([:])
        let arguments = JSONValue(rawArguments)
        if name == DeclareTask.name && configuration.task == nil {
            return await declareTask(arguments)
        }
        let action = Action(tool: name, arguments: arguments)
        // Folded once: the floor, the policy and the history all read this form.
        let folded = SessionHistory.folded(action)
        let entry = await core.entry(named: name)
        let judgement = await judge(action, folded: folded, entry: entry)
        let decisionMs = (ProcessInfo.processInfo.systemUptime - started) * 1000
        let blocks = judgement.verdict == .unsafe
        let blocked = blocks && configuration.mode == .enforce

        var event = newEvent(.call)
        event.tool = name
        event.upstream = entry?.upstream
        event.verdict = judgement.verdict
        event.confidence = judgement.confidence
        event.reason = judgement.reason
        event.rule = judgement.rule
        event.technique = judgement.technique
        event.blocked = blocked
        event.wouldBlock = blocks
        event.decisionMs = decisionMs

        let result: Value
        var injected = false
        if blocked {
            result = Self.blockResult(judgement)
        } else if let entry {
            var forwarded = fields
            forwarded["name"] = .string(entry.originalName)
            do {
                let screened = screenToolResult(try await forwardCall(.object(forwarded), entry: entry, clientID: id), tool: name)
                result = screened.result
                injected = !screened.findings.isEmpty
                if injected {
                    event.injection = screened.findings
                    event.injectionAction = screened.action?.rawValue
                }
            } catch let failure as UpstreamFailure {
                if case .errorResponse = failure {
                    finishCall(action, folded: folded, observation: failure.description, judgement: judgement, event: event, started: started)
                    throw failure
                }
                result = Self.failureResult(failure.description)
            }
        } else {
            result = Self.failureResult("unknown tool \(name) (shadow mode forwards nothing it cannot route)")
        }
        finishCall(action, folded: folded, observation: blocked ? nil : Self.observation(of: result),
                   judgement: judgement, event: event, started: started, injected: injected)
        return result
    }

    private func forwardCall(_ params: Value, entry: CatalogEntry, clientID: ID) async throws -> Value {
        guard let upstream = await core.upstreams[entry.upstream] else {
            throw UpstreamFailure.closed(upstream: entry.upstream)
        }
        return try await forwardRequest("tools/call", params: params, to: upstream, clientID: clientID)
    }

    /// Records the step in the history and the audit log. A blocked call never ran: its step is
    /// `pending` with no observation, and its label is the verdict. The history keeps the call's
    /// arguments as the policy read them while the call was pending (`folded` or as written, as
    /// `readsFoldedText` says; so the embedding made then is reused); the log keeps them as
    /// written. A result that carried injected
    /// instructions (`injected`) gives the step the risk type SAF-T1102, and its observation is
    /// what the agent got (marked, or the block), so the policy judges the next call knowing.
    private func finishCall(_ action: Action, folded: Action, observation: String?, judgement: Judgement, event: AuditEvent,
                            started: Double, injected: Bool = false) {
        var event = event
        let step = Step(action: action, observation: observation.map(SessionHistory.observation), label: judgement.verdict,
                        riskType: judgement.technique ?? (injected ? ResultScanner.technique : nil), pending: observation == nil ? true : nil)
        var remembered = step
        if configuration.policy.readsFoldedText { remembered.action = folded }
        appendHistory(remembered, tightens: judgement.verdict != .safe || injected)
        // Redacting a megabyte of arguments takes longer than the call; without a log, no one reads it.
        guard core.audit != nil else { return }
        event.step = Step(action: Action(tool: action.tool, arguments: SecretRedactor.redact(action.arguments)),
                          observation: step.observation.map(SecretRedactor.redact), label: step.label, riskType: step.riskType,
                          pending: step.pending)
        event.latencyMs = (ProcessInfo.processInfo.systemUptime - started) * 1000
        writeAudit(event)
    }

    struct Judgement {
        var verdict: StepLabel
        var confidence: Double
        var reason: String
        var rule: String?
        var technique: String?

        init(_ finding: RuleFinding) {
            verdict = .unsafe
            confidence = 1
            reason = finding.reason
            rule = finding.rule
            technique = finding.technique
        }

        init(_ verdict: CallVerdict, policy: String) {
            self.verdict = verdict.verdict
            confidence = verdict.confidence
            reason = verdict.reason
            rule = verdict.verdict == .safe ? nil : "policy:\(policy)"
        }
    }

    /// Rules in a fixed order, each able to refuse whatever the policy would say; the policy's
    /// verdict (decided with tier 1) counts only for what every rule let through. The safety
    /// floor reads the arguments as written and `folded` (`FloorRule`) and comes before the
    /// policy is asked, so no policy, however trained, lets its calls through; in shadow mode
    /// its refusal is logged under its own rule, and the call is forwarded like every other.
    private func judge(_ action: Action, folded: Action, entry: CatalogEntry?) async -> Judgement {
        guard let entry else {
            return Judgement(ToolAvailability.finding(tool: action.tool, known: false, withholding: nil)!)
        }
        if let finding = entry.findings.first {
            return Judgement(finding)
        }
        if let finding = configuration.accessList.finding(name: entry.exposedName, originalName: entry.originalName) {
            return Judgement(finding)
        }
        // The upstream's own name: a prefix (`web__delete_file`) hides the words the floor reads.
        if let finding = FloorRule.finding(tool: entry.originalTool, written: action.arguments, folded: folded.arguments) {
            return Judgement(finding)
        }
        let tiers = await tierOne(pending: (configuration.policy.readsFoldedText ? folded : action, entry.tool))
        let withholding = tiers.withheld.first { $0.tool == entry.exposedName }
        if let finding = ToolAvailability.finding(tool: entry.exposedName, known: true, withholding: withholding) {
            return Judgement(finding)
        }
        if let finding = ArgumentSchemaRule.finding(tool: entry.exposedName, schema: entry.tool.inputSchema, arguments: action.arguments) {
            return Judgement(finding)
        }
        if let finding = await core.admit(entry.exposedName) {
            return Judgement(finding)
        }
        return Judgement(tiers.verdict!, policy: configuration.policy.name)
    }

    /// The structured content carries the rule's SAF-T technique when it has one.
    static func blockResult(_ judgement: Judgement) -> Value {
        let rule = judgement.rule ?? "policy"
        let line = "Blocked by safemcp proxy (\(judgement.technique ?? rule)): \(judgement.reason). Do not retry this call; choose another approach or ask the user."
        var content: [String: Value] = [
            "blocked": .bool(true),
            "verdict": .string(judgement.verdict.rawValue),
            "confidence": .double(judgement.confidence),
            "reason": .string(judgement.reason),
            "rule": .string(rule),
        ]
        if let technique = judgement.technique { content["technique"] = .string(technique) }
        return .object([
            "content": .array([.object(["type": "text", "text": .string(line)])]),
            "isError": .bool(true),
            "structuredContent": .object(content),
        ])
    }

    static func failureResult(_ message: String) -> Value {
        .object([
            "content": .array([.object(["type": "text", "text": .string("The tool call failed: \(message).")])]),
            "isError": .bool(true),
        ])
    }

    static func observation(of result: Value) -> String {
        let texts = result.objectValue?["content"]?.arrayValue?.compactMap { $0.objectValue?["text"]?.stringValue } ?? []
        return texts.joined(separator: "\n")
    }

    // MARK: Task context

    private func declareTask(_ arguments: JSONValue) async -> Value {
        guard case .object(let members) = arguments, case .string(let text)? = members["task"],
              !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return Self.failureResult("declare_task needs {\"task\": \"the user's request\"}")
        }
        await setTask(text, source: "declare_task")
        let offered = await tierOne().offered.map(\.exposedName)
        return .object([
            "content": .array([.object(["type": "text", "text": .string("Task declared. Tools offered for it: \(offered.joined(separator: ", ")).")])]),
            "structuredContent": .object(["task": .string(text), "offered": .array(offered.map(Value.string))]),
        ])
    }

    /// A task in a request's `_meta` (key `safemcp/task`) replaces the declared one, unless
    /// `--task` fixed it.
    func adoptTask(fromMetaOf params: Value?) async {
        guard configuration.task == nil,
              let text = params?.objectValue?["_meta"]?.objectValue?[DeclareTask.metaKey]?.stringValue,
              text != currentTask?.instruction else { return }
        await setTask(text, source: "meta")
    }
}
