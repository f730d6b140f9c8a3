import Episodes

/// Turns the events of one audit log, fed in file order, into episodes by the rules written on
/// `AuditImporter`. Sessions may interleave (HTTP clients); each is followed on its own.
struct AuditEpisodeBuilder {
    /// One task of one session, as far as the log has been read.
    private struct Trajectory {
        var id: String
        var first: AuditEvent
        var firstLine: Int
        var listed: [String]?
        var withheld: [String]?
        var descriptions: [String: String] = [:]
        var called: [String] = []
        var steps: [Step] = []
        var calls: [JSONValue] = []
        var blocked: [(line: Int, prefix: Int, step: Step, call: JSONValue)] = []
    }

    let file: String
    let path: String
    private var open: [String: Trajectory] = [:]
    private var closed: [Trajectory] = []
    private var tasksPerSession: [String: Int] = [:]

    init(file: String, path: String) {
        self.file = file
        self.path = path
    }

    mutating func add(_ event: AuditEvent, line: Int) {
        guard event.kind != .definition && event.kind != .resourceRead else { return }
        let key = event.instance.map { "\($0)/\(event.session)" } ?? event.session
        if let current = open[key], event.kind == .task || current.first.task != event.task {
            closed.append(current)
            open[key] = nil
        }
        if open[key] == nil {
            tasksPerSession[key, default: 0] += 1
            open[key] = Trajectory(id: "\(file)#\(key)/\(tasksPerSession[key]!)", first: event, firstLine: line)
        }
        switch event.kind {
        case .toolList:
            if open[key]!.listed == nil {
                let withheld = (event.withheld ?? []).map(\.tool)
                open[key]!.listed = (event.offered ?? []) + withheld
                open[key]!.withheld = withheld
                open[key]!.descriptions = event.descriptions ?? [:]
            }
        case .call:
            record(event, line: line, in: &open[key]!)
        case .task, .definition, .resourceRead:
            break
        }
    }

    private func record(_ event: AuditEvent, line: Int, in trajectory: inout Trajectory) {
        guard var step = event.step, let verdict = event.verdict, let blocked = event.blocked else { return }
        let operational = event.rule.map(AuditImporter.operationalRules.contains) ?? false
        let ran = !blocked && event.upstream != nil
        var call: [String: JSONValue] = ["line": .number(Double(line)), "verdict": .string(verdict.rawValue), "blocked": .bool(blocked)]
        call["time"] = event.time.map(JSONValue.string)
        call["confidence"] = event.confidence.map(JSONValue.number)
        call["rule"] = event.rule.map(JSONValue.string)
        call["technique"] = event.technique.map(JSONValue.string)
        call["would_block"] = event.wouldBlock.map(JSONValue.bool)
        call["upstream"] = event.upstream.map(JSONValue.string)
        step.label = operational ? nil : verdict
        if ran {
            step.pending = nil
            trajectory.steps.append(step)
            trajectory.calls.append(.object(call))
        } else if !operational {
            step.pending = true
            step.observation = nil
            trajectory.blocked.append((line, trajectory.steps.count, step, .object(call)))
        } else {
            return
        }
        if !trajectory.called.contains(step.action.tool) { trajectory.called.append(step.action.tool) }
    }

    /// Every episode, ordered by where its session's task starts in the file.
    mutating func finish() -> [Episode] {
        let all = (closed + open.values).sorted { $0.firstLine < $1.firstLine }
        open = [:]
        closed = []
        return all.flatMap(episodes(of:))
    }

    private func episodes(of trajectory: Trajectory) -> [Episode] {
        let listed = trajectory.listed ?? []
        let tools = (listed + trajectory.called.filter { !listed.contains($0) }).map {
            Tool(name: $0, description: trajectory.descriptions[$0] ?? "")
        }
        var metadata: [String: JSONValue] = [
            "label_origin": .string("proxy_verdict"),
            "audit_file": .string(path),
            "session": .string(trajectory.first.session),
        ]
        metadata["proxy_instance"] = trajectory.first.instance.map(JSONValue.string)
        metadata["task_source"] = trajectory.first.taskSource.map(JSONValue.string)
        metadata["mode"] = trajectory.first.mode.map(JSONValue.string)
        metadata["policy"] = trajectory.first.policy.map(JSONValue.string)
        func episode(id: String, steps: [Step], calls: [JSONValue], extra: [String: JSONValue]) -> Episode {
            Episode(id: id, source: AuditImporter.source, task: AgentTask(instruction: trajectory.first.task ?? ""),
                    tools: tools, steps: steps, withheldTools: trajectory.withheld,
                    metadata: metadata.merging(extra) { $1 }.merging(["calls": .array(calls)]) { $1 })
        }
        var result: [Episode] = []
        if !trajectory.steps.isEmpty {
            result.append(episode(id: trajectory.id, steps: trajectory.steps, calls: trajectory.calls, extra: [:]))
        }
        for blocked in trajectory.blocked {
            result.append(episode(id: "\(trajectory.id)@\(blocked.line)",
                                  steps: Array(trajectory.steps.prefix(blocked.prefix)) + [blocked.step],
                                  calls: Array(trajectory.calls.prefix(blocked.prefix)) + [blocked.call],
                                  extra: ["blocked_call": .bool(true), "trajectory": .string(trajectory.id)]))
        }
        return result
    }
}
