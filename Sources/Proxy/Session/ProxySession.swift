import Episodes
import Foundation
import MCP

/// One agent connected to the proxy (the stdio client, or one Streamable HTTP session): its
/// task, its history, what tier 1 currently offers it, and its requests in flight upstream.
actor ProxySession {
    let id: String
    let core: ProxyCore
    let configuration: ProxyConfiguration
    private let send: @Sendable (Data) async -> Void
    private var task: AgentTask?
    private var taskSource: String?
    private var history: [Step] = []
    /// The names offered in the last `tools/list` answer; nil until the agent first lists.
    private var announced: Set<String>?
    /// A call was judged other than safe, so tier 1 may tighten: checked once its answer is sent,
    /// so the agent does not wait for the new listing's decision.
    private var tierOneMayHaveChanged = false
    private var inflight: [String: (upstream: UpstreamConnection, id: Int)] = [:]

    init(id: String, core: ProxyCore, configuration: ProxyConfiguration, send: @escaping @Sendable (Data) async -> Void) {
        self.id = id
        self.core = core
        self.configuration = configuration
        self.send = send
        if let fixed = configuration.task {
            task = AgentTask(instruction: fixed)
            taskSource = "flag"
        }
    }

    // MARK: Incoming

    /// Handles one message from the agent. Requests run concurrently, so a slow tool call never
    /// holds up a `ping` or a cancellation.
    nonisolated func receive(_ data: Data) {
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage(data: data)
        } catch {
            Task { await self.reply(.error(id: error.id, code: error.code, message: error.message)) }
            return
        }
        Task { await self.dispatch(message) }
    }

    private func dispatch(_ message: JSONRPCMessage) async {
        switch message {
        case .request(let id, let method, let params):
            await adoptTask(fromMetaOf: params)
            do {
                await reply(.response(id: id, result: try await respond(to: method, id: id, params: params)))
            } catch let failure as UpstreamFailure {
                if case .errorResponse(let error) = failure {
                    await reply(.errorResponse(id: id, error: error))
                } else {
                    await reply(.error(id: id, code: JSONRPCMessage.internalError, message: failure.description))
                }
            } catch let invalid as JSONRPCMessage.Invalid {
                await reply(.error(id: id, code: invalid.code, message: invalid.message))
            } catch {
                await reply(.error(id: id, code: JSONRPCMessage.internalError, message: "\(error)"))
            }
            if tierOneMayHaveChanged {
                tierOneMayHaveChanged = false
                await announceIfChanged()
            }
        case .notification(let method, let params):
            if method == "notifications/cancelled", let requestID = params?.objectValue?["requestId"],
               let running = inflight[requestID.routingKey] {
                await running.upstream.cancel(running.id, reason: params?.objectValue?["reason"]?.stringValue)
            }
        case .response, .errorResponse:
            break
        }
    }

    private func respond(to method: String, id: ID, params: Value?) async throws -> Value {
        if let problem = MCPShape.paramsProblem(method: method, params: params) {
            throw JSONRPCMessage.Invalid(code: JSONRPCMessage.invalidParams, message: "Invalid params: \(method): \(problem)")
        }
        switch method {
        case "initialize": return try await initializeResult(params)
        case "ping": return .object([:])
        case "tools/list":
            await core.refreshCatalog()
            return await listTools()
        case "tools/call": return try await callTool(id: id, params: params)
        case "resources/list": return await core.listResources(method: method, key: "resources")
        case "resources/templates/list": return await core.listResources(method: method, key: "resourceTemplates")
        case "resources/read", "resources/subscribe", "resources/unsubscribe":
            guard let uri = params?.objectValue?["uri"]?.stringValue, let owner = await core.resourceOwner(uri) else {
                throw JSONRPCMessage.Invalid(code: JSONRPCMessage.invalidParams, message: "\(method): unknown resource URI")
            }
            try await refuseHeldBack("resource \(uri)", method: method)
            let result = try await forwardRequest(method, params: params, to: owner, clientID: id)
            return method == "resources/read" ? screenResource(result, uri: uri, upstream: owner.name) : result
        case "prompts/list": return await core.listPrompts()
        case "prompts/get":
            guard var fields = params?.objectValue, let name = fields["name"]?.stringValue,
                  let (owner, original) = await core.promptOwner(name) else {
                throw JSONRPCMessage.Invalid(code: JSONRPCMessage.invalidParams, message: "prompts/get: unknown prompt")
            }
            try await refuseHeldBack("prompt \(name)", method: method)
            fields["name"] = .string(original)
            return try await forwardRequest(method, params: .object(fields), to: owner, clientID: id)
        case "completion/complete":
            return try await complete(params, clientID: id)
        case "logging/setLevel":
            for upstream in await core.upstreams(with: "logging") { _ = try? await upstream.request(method, params: params) }
            return .object([:])
        default:
            throw JSONRPCMessage.Invalid(code: JSONRPCMessage.methodNotFound, message: "Method not found: \(method)")
        }
    }

    /// A prompt or resource the description scan held back is refused by name too, as a
    /// withheld tool is.
    private func refuseHeldBack(_ item: String, method: String) async throws {
        if let finding = await core.heldBackFinding(item) {
            throw JSONRPCMessage.Invalid(code: JSONRPCMessage.invalidParams,
                message: "\(method): \(item) is held back by safemcp proxy (\(finding.technique ?? finding.rule)): \(finding.reason)")
        }
    }

    private func initializeResult(_ params: Value?) async throws -> Value {
        let requested = params?.objectValue?["protocolVersion"]?.stringValue ?? Version.latest
        var capabilities: [String: Value] = ["tools": .object(["listChanged": .bool(true)])]
        for capability in ["resources", "prompts", "logging", "completions"] where !(await core.upstreams(with: capability)).isEmpty {
            capabilities[capability] = capability == "resources"
                ? .object(["listChanged": .bool(true), "subscribe": .bool(true)])
                : capability == "prompts" ? .object(["listChanged": .bool(true)]) : .object([:])
        }
        var result: [String: Value] = [
            "protocolVersion": .string(Version.supported.contains(requested) ? requested : Version.latest),
            "capabilities": .object(capabilities),
            "serverInfo": .object(["name": "safemcp-proxy", "version": .string(configuration.version)]),
        ]
        if let instructions = await core.instructions() { result["instructions"] = .string(instructions) }
        return .object(result)
    }

    private func complete(_ params: Value?, clientID: ID) async throws -> Value {
        guard var fields = params?.objectValue, case .object(var reference)? = fields["ref"] else {
            throw JSONRPCMessage.Invalid(code: JSONRPCMessage.invalidParams, message: "completion/complete: missing ref")
        }
        let owner: UpstreamConnection?
        if let name = reference["name"]?.stringValue, let (connection, original) = await core.promptOwner(name) {
            try await refuseHeldBack("prompt \(name)", method: "completion/complete")
            reference["name"] = .string(original)
            owner = connection
        } else if let uri = reference["uri"]?.stringValue {
            owner = await core.resourceOwner(uri)
        } else {
            owner = nil
        }
        guard let owner else {
            throw JSONRPCMessage.Invalid(code: JSONRPCMessage.invalidParams, message: "completion/complete: unknown ref")
        }
        fields["ref"] = .object(reference)
        return try await forwardRequest("completion/complete", params: .object(fields), to: owner, clientID: clientID)
    }

    /// Sends a request upstream on the agent's behalf, swapping its progress token for one of
    /// the proxy's own and keeping the mapping a cancellation needs.
    func forwardRequest(_ method: String, params: Value?, to upstream: UpstreamConnection, clientID: ID) async throws -> Value {
        var outgoing = params
        var ownToken: Value?
        if var fields = params?.objectValue, var meta = fields["_meta"]?.objectValue, let token = meta["progressToken"] {
            ownToken = await core.progressToken(for: token, session: id)
            meta["progressToken"] = ownToken
            fields["_meta"] = .object(meta)
            outgoing = .object(fields)
        }
        let key = clientID.value.routingKey
        defer {
            inflight.removeValue(forKey: key)
            if let ownToken { Task { await core.forgetProgress(token: ownToken) } }
        }
        let result = try await upstream.request(method, params: outgoing) { [weak self] upstreamID in
            Task { await self?.track(key, upstream: upstream, id: upstreamID) }
        }
        if let problem = MCPShape.resultProblem(method: method, result: result) {
            let failure = UpstreamFailure.invalidAnswer(upstream: upstream.name, problem: "invalid \(method) result: \(problem)")
            FileHandle.standardError.write(Data("safemcp proxy: \(failure)\n".utf8))
            throw failure
        }
        return result
    }

    private func track(_ key: String, upstream: UpstreamConnection, id: Int) {
        inflight[key] = (upstream, id)
    }

    // MARK: State for the tiers

    var currentTask: AgentTask? { task }
    var currentHistory: [Step] { history }

    /// Records a call that was judged; `tightens` when its verdict was not safe. Only what the
    /// policy will read again is kept, so a session's memory does not grow with its calls.
    func appendHistory(_ step: Step, tightens: Bool) {
        history.append(step)
        history = configuration.policy.retainedHistory(history)
        if tightens { tierOneMayHaveChanged = true }
    }

    func setAnnounced(_ names: Set<String>) {
        announced = names
    }

    /// A new task starts a fresh history: what was critical for the last task says nothing
    /// about this one.
    func setTask(_ instruction: String, source: String) async {
        task = AgentTask(instruction: instruction)
        taskSource = source
        history = []
        writeAudit(newEvent(.task))
        await announceIfChanged()
    }

    func newEvent(_ kind: AuditEvent.Kind) -> AuditEvent {
        var event = AuditEvent(time: AuditLog.timestamp(), kind: kind, session: id,
                               mode: configuration.mode.rawValue, policy: configuration.policy.name)
        event.task = task?.instruction
        event.taskSource = taskSource
        return event
    }

    /// Audit writes happen before the answer is sent; a failing log is reported, never silent.
    func writeAudit(_ event: AuditEvent) {
        guard let audit = core.audit else { return }
        do {
            try audit.append(event)
        } catch {
            FileHandle.standardError.write(Data("safemcp proxy: audit log: \(error)\n".utf8))
        }
    }

    // MARK: Outgoing

    private func reply(_ message: JSONRPCMessage) async {
        guard let data = try? message.encoded() else { return }
        await send(data)
    }

    func forward(method: String, params: Value?) async {
        await reply(.notification(method: method, params: params))
    }

    /// The catalog changed upstream (or a rule now holds a tool back): tell the agent if what it
    /// is offered changed.
    func catalogChanged() async {
        await announceIfChanged()
    }

    func announceIfChanged() async {
        guard let announced else { return }
        let now = Set(await tierOne().offered.map(\.exposedName))
        if now != announced {
            self.announced = now
            await reply(.notification(method: "notifications/tools/list_changed", params: nil))
        }
    }
}
