import Episodes
import Foundation
import MCP

/// State shared by every client session: the upstream connections, the merged tool catalog
/// with its pins and findings, the rate limiter and the audit log.
actor ProxyCore {
    let configuration: ProxyConfiguration
    let audit: AuditLog?
    private(set) var upstreams: [String: UpstreamConnection] = [:]
    private var upstreamOrder: [String] = []
    private var processes: [UpstreamProcess] = []
    private(set) var entries: [CatalogEntry] = []
    private var pinning = DefinitionPinning()
    /// The pins as the pin file last holds them, so it is written only when they change.
    private var pinsWritten: [String: DefinitionPinning.Pin] = [:]
    private var loggedFindings: Set<RuleFinding> = []
    /// Scan findings by what was scanned (name, definition, foreign names): the catalog is
    /// listed again on every `tools/list`, and a definition that did not change is not re-read.
    private var scanned: [String: [RuleFinding]] = [:]
    private var rateLimiter: RateLimiter?
    private var sessions: [String: ProxySession] = [:]
    private var progressRoutes: [String: (session: String, token: Value)] = [:]
    private var nextProgressToken = 1
    private var resourceOwners: [String: String] = [:]
    private var promptOwners: [String: (upstream: String, name: String)] = [:]
    /// Prompts and resources the description scan held back, with why: left out of their lists
    /// and refused by name in enforce mode.
    private var heldBack: [String: RuleFinding] = [:]
    private var nextSession = 1

    init(configuration: ProxyConfiguration) throws {
        self.configuration = configuration
        audit = try configuration.auditPath.map(AuditLog.init(path:))
        if let path = configuration.pinsPath {
            pinning = try DefinitionPinning(contentsOf: path)
            pinsWritten = pinning.pins
        }
        rateLimiter = configuration.rateLimit.map(RateLimiter.init(callsPerSecond:))
    }

    // MARK: Upstreams

    func start() async throws {
        for spec in configuration.upstreams {
            let transport: any Transport
            switch spec.endpoint {
            case .command(let command):
                let process = try UpstreamProcess(command: command, name: spec.name, maxMessageBytes: configuration.maxMessageBytes)
                processes.append(process)
                transport = process.transport
            case .url(let url):
                transport = StreamableHTTPUpstreamTransport(endpoint: url, name: spec.name, maxMessageBytes: configuration.maxMessageBytes)
            }
            let connection = UpstreamConnection(name: spec.name, transport: transport, timeout: configuration.upstreamTimeout)
            await connection.onNotification { [weak self] upstream, method, params in
                await self?.upstreamNotified(upstream, method: method, params: params)
            }
            do {
                try await connection.start(clientVersion: configuration.version)
            } catch {
                throw ProxyError.upstream(name: spec.name, message: "MCP handshake failed: \(error)")
            }
            upstreams[spec.name] = connection
            upstreamOrder.append(spec.name)
        }
        await refreshCatalog()
    }

    func stop() async {
        for connection in upstreams.values { await connection.shutdown() }
        for process in processes { process.terminate() }
    }

    /// Upstreams in command-line order that declared `capability` during the handshake.
    func upstreams(with capability: String) async -> [UpstreamConnection] {
        var result: [UpstreamConnection] = []
        for name in upstreamOrder {
            let connection = upstreams[name]!
            if await connection.serverCapabilities.objectValue?[capability] != nil { result.append(connection) }
        }
        return result
    }

    /// The upstreams' `initialize` instructions, each scanned: in enforce mode a flagged one is
    /// replaced by a note saying it was withheld and why, never passed on.
    func instructions() async -> String? {
        var parts: [String] = []
        for name in upstreamOrder {
            guard let text = await upstreams[name]!.instructions else { continue }
            let findings = DescriptionScanner.scan(instructions: text, upstream: name)
            for finding in findings { logDefinition(finding, upstream: name, item: "instructions") }
            if let finding = findings.first, configuration.mode == .enforce {
                parts.append("[The safemcp proxy withheld the instructions of upstream \(name) (\(finding.technique ?? finding.rule)): "
                             + findings.map(\.reason).joined(separator: "; ") + ".]")
            } else {
                parts.append(text)
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    // MARK: Catalog

    /// Lists every upstream's tools again, names them, pins and scans each definition, and
    /// tells the sessions, which announce `tools/list_changed` if what they offer changed.
    func refreshCatalog() async {
        var listed: [(upstream: String, definition: [String: Value])] = []
        for (connection, definitions) in await listEach(capability: "tools", method: "tools/list", key: "tools") {
            for case .object(let definition) in definitions where definition["name"]?.stringValue != nil {
                listed.append((connection.name, definition))
            }
        }
        var counts: [String: Int] = [:]
        for item in listed { counts[item.definition["name"]!.stringValue!, default: 0] += 1 }
        let exposedNames = listed.map { item -> String in
            let original = item.definition["name"]!.stringValue!
            return counts[original]! > 1 || original == DeclareTask.name ? "\(item.upstream)__\(original)" : original
        }
        var namesByUpstream: [String: Set<String>] = [:]
        for (item, exposed) in zip(listed, exposedNames) {
            namesByUpstream[item.upstream, default: []].formUnion([item.definition["name"]!.stringValue!, exposed])
        }
        var fresh: [CatalogEntry] = []
        for (item, exposed) in zip(listed, exposedNames) {
            let original = item.definition["name"]!.stringValue!
            var entry = CatalogEntry(upstream: item.upstream, definition: item.definition, exposedName: exposed)
            if let changed = pinning.check(entry.originalTool, key: "\(item.upstream)/\(original)") {
                entry.findings.append(changed)
            }
            let own = namesByUpstream[item.upstream]!
            let foreign = namesByUpstream.filter { $0.key != item.upstream }.values.reduce(Set([DeclareTask.name]), { $0.union($1) })
                .subtracting(own).sorted()
            let definition = JSONValue(.object(item.definition))
            let key = [exposed, definition.canonicalText, foreign.joined(separator: ",")].joined(separator: "\u{0}")
            let findings = scanned[key] ?? DescriptionScanner.scan(definition, subject: .tool(exposed), foreignTools: foreign)
            scanned[key] = findings
            entry.findings += findings
            for finding in entry.findings {
                logDefinition(finding, upstream: entry.upstream, tool: entry.exposedName)
            }
            fresh.append(entry)
        }
        entries = fresh
        if let path = configuration.pinsPath, pinning.pins != pinsWritten {
            do {
                try pinning.write(to: path)
                pinsWritten = pinning.pins
            } catch {
                FileHandle.standardError.write(Data("safemcp proxy: \(error)\n".utf8))
            }
        }
        for session in sessions.values { await session.catalogChanged() }
    }

    /// Logs a definition finding once per proxy process, on stderr and in the audit log.
    private func logDefinition(_ finding: RuleFinding, upstream: String, tool: String? = nil, item: String? = nil) {
        guard loggedFindings.insert(finding).inserted else { return }
        FileHandle.standardError.write(Data("safemcp proxy: \(finding.technique ?? finding.rule): \(finding.reason)\n".utf8))
        var event = AuditEvent(time: AuditLog.timestamp(), kind: .definition, session: "-",
                               mode: configuration.mode.rawValue, policy: configuration.policy.name)
        event.tool = tool
        event.item = item
        event.upstream = upstream
        event.rule = finding.rule
        event.technique = finding.technique
        event.reason = finding.reason
        event.blocked = configuration.mode == .enforce
        try? audit?.append(event)
    }

    private static func listAll(_ connection: UpstreamConnection, method: String, key: String) async throws -> [Value] {
        var items: [Value] = []
        var cursor: Value?
        repeat {
            let result = try await connection.request(method, params: cursor.map { .object(["cursor": $0]) })
            switch MCPShape.listItems(result, key: key) {
            case .success(let page): items += page
            case .failure(let problem):
                throw UpstreamFailure.invalidAnswer(upstream: connection.name, problem: "invalid \(method) result: \(problem.text)")
            }
            cursor = result.objectValue?["nextCursor"]
        } while cursor != nil && cursor != .null && items.count < 100_000
        return items
    }

    /// Every upstream's items for a list method, in command-line order. An upstream that lacks
    /// the method (-32601) is left out; one that fails otherwise is left out and named on
    /// stderr: one upstream's gap never fails the whole list.
    func listEach(capability: String, method: String, key: String) async -> [(connection: UpstreamConnection, items: [Value])] {
        var lists: [(connection: UpstreamConnection, items: [Value])] = []
        for connection in await upstreams(with: capability) {
            do {
                lists.append((connection, try await Self.listAll(connection, method: method, key: key)))
            } catch UpstreamFailure.errorResponse(let error) where error.objectValue?["code"] == .int(JSONRPCMessage.methodNotFound) {
                continue
            } catch {
                FileHandle.standardError.write(Data("safemcp proxy: upstream \(connection.name): \(method) failed, left out: \(error)\n".utf8))
            }
        }
        return lists
    }

    func entry(named name: String) -> CatalogEntry? {
        entries.first { $0.exposedName == name }
    }

    // MARK: Resources and prompts

    /// Resources (or templates) of every upstream; in enforce mode those whose description the
    /// scan flags are left out.
    func listResources(method: String, key: String) async -> Value {
        var all: [Value] = []
        for (connection, items) in await listEach(capability: "resources", method: method, key: key) {
            for item in items {
                let uri = item.objectValue?["uri"]?.stringValue ?? item.objectValue?["uriTemplate"]?.stringValue ?? ""
                if let listed = item.objectValue?["uri"]?.stringValue { resourceOwners[listed] = connection.name }
                let label = key == "resources" ? "resource \(uri)" : "resource template \(uri)"
                if held(item, subject: key == "resources" ? .resource(uri) : .resourceTemplate(uri), key: label, upstream: connection.name) { continue }
                all.append(item)
            }
        }
        return .object([key: .array(all)])
    }

    /// Scans a prompt or resource definition and remembers a finding under `key`; whether it is
    /// to be left out of the listing.
    private func held(_ definition: Value, subject: DescriptionScanner.Subject, key: String, upstream: String) -> Bool {
        let findings = DescriptionScanner.scan(JSONValue(definition), subject: subject)
        for finding in findings { logDefinition(finding, upstream: upstream, item: key) }
        heldBack[key] = findings.first
        return findings.first != nil && configuration.mode == .enforce
    }

    /// Why a prompt (`prompt NAME`) or resource (`resource URI`) is held back, in enforce mode.
    func heldBackFinding(_ key: String) -> RuleFinding? {
        configuration.mode == .enforce ? heldBack[key] : nil
    }

    /// The upstream that listed `uri`; for a URI nobody listed (one made from a template), the
    /// first upstream that serves resources.
    func resourceOwner(_ uri: String) async -> UpstreamConnection? {
        if let name = resourceOwners[uri] { return upstreams[name] }
        return await upstreams(with: "resources").first
    }

    func listPrompts() async -> Value {
        var listed: [(String, [String: Value])] = []
        for (connection, prompts) in await listEach(capability: "prompts", method: "prompts/list", key: "prompts") {
            for case .object(let prompt) in prompts {
                listed.append((connection.name, prompt))
            }
        }
        var counts: [String: Int] = [:]
        for (_, prompt) in listed { counts[prompt["name"]?.stringValue ?? "", default: 0] += 1 }
        var result: [Value] = []
        for (upstream, prompt) in listed {
            let original = prompt["name"]?.stringValue ?? ""
            let exposed = counts[original]! > 1 ? "\(upstream)__\(original)" : original
            promptOwners[exposed] = (upstream, original)
            var renamed = prompt
            renamed["name"] = .string(exposed)
            if held(.object(renamed), subject: .prompt(exposed), key: "prompt \(exposed)", upstream: upstream) { continue }
            result.append(.object(renamed))
        }
        return .object(["prompts": .array(result)])
    }

    func promptOwner(_ exposed: String) async -> (UpstreamConnection, String)? {
        if promptOwners.isEmpty { _ = await listPrompts() }
        guard let owner = promptOwners[exposed], let connection = upstreams[owner.upstream] else { return nil }
        return (connection, owner.name)
    }

    // MARK: Sessions

    func register(_ make: (String) -> ProxySession) -> ProxySession {
        let id = "s\(nextSession)"
        nextSession += 1
        let session = make(id)
        sessions[id] = session
        return session
    }

    func unregister(_ id: String) {
        sessions.removeValue(forKey: id)
        progressRoutes = progressRoutes.filter { $0.value.session != id }
    }

    /// A progress token of the proxy's own to send upstream in place of the client's, so two
    /// sessions that picked the same token still get only their own progress.
    func progressToken(for token: Value, session: String) -> Value {
        let own = "safemcp-\(nextProgressToken)"
        nextProgressToken += 1
        progressRoutes[own] = (session, token)
        return .string(own)
    }

    func forgetProgress(token: Value) {
        if let key = token.stringValue { progressRoutes.removeValue(forKey: key) }
    }

    /// Another policy now decides (SIGHUP): each session announces a changed tool set.
    func policyChanged() async {
        for session in sessions.values { await session.catalogChanged() }
    }

    func admit(_ tool: String) -> RuleFinding? {
        rateLimiter?.admit(tool, now: ProcessInfo.processInfo.systemUptime)
    }

    private func upstreamNotified(_ upstream: String, method: String, params: Value?) async {
        switch method {
        case "notifications/tools/list_changed":
            await refreshCatalog()
        case "notifications/progress":
            guard var fields = params?.objectValue, let own = fields["progressToken"]?.stringValue,
                  let route = progressRoutes[own], let session = sessions[route.session] else { return }
            fields["progressToken"] = route.token
            await session.forward(method: method, params: .object(fields))
        case "notifications/resources/list_changed", "notifications/resources/updated",
             "notifications/prompts/list_changed", "notifications/message":
            for session in sessions.values { await session.forward(method: method, params: params) }
        default:
            break
        }
    }
}
