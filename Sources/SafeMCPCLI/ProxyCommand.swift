import ArgumentParser
import Foundation
import Proxy

struct ProxyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Guard MCP servers: filter the tools an agent sees and judge every tool call.",
        discussion: """
        The proxy is an MCP server to the agent and an MCP client to the upstream servers. The \
        upstream is the command after `--` (stdio), or `--upstream NAME=CMD...`, \
        `--upstream-url [NAME=]URL` (Streamable HTTP) and `--upstreams FILE` (JSON, the \
        `mcpServers` shape), in any combination; tool names are prefixed `NAME__tool` when two \
        upstreams offer the same one.

        Every string an upstream shows the agent (tool definitions, prompts, resources, server \
        instructions) is scanned for instructions aimed at the model; a flagged tool, prompt or \
        resource is held back and flagged server instructions are replaced by a note. Tool \
        results and resource contents are scanned for injected instructions (--on-injection).

        Every tools/call goes through the rules (unknown or withheld tool, definition pinning, \
        description scan, deny/allow lists, argument schema, rate limit) and then the policy. A \
        block is an isError result with structured content {blocked, verdict, confidence, \
        reason, rule}. Without --task the agent can declare one with the declare_task tool or \
        `_meta["safemcp/task"]`; until then only tools outside the risk categories are offered.

        `--policy B.h5` serves a trained policy bundle from `safemcp export`: tier 1 withholds the \
        tools the policy withholds for the task and the calls that ran, tier 2 judges each call \
        with the world model's look-ahead. A bundle that is missing, torn, of another format or \
        whose encoder weights are not found (or differ) is refused: exit 1, nothing served, \
        unless --fail-open is given, which serves on the static rules with a warning. SIGHUP \
        loads --policy again without dropping a session; if it cannot be loaded, the serving policy \
        stays and stderr says why.

        Example: safemcp proxy --policy rules --audit audit.jsonl -- uvx mcp-server-time
        Example: safemcp proxy --policy runs/default/policy.h5 --audit audit.jsonl -- uvx mcp-server-time
        """
    )

    @Option(name: .long, help: ArgumentHelp("`rules`, or a policy bundle (.h5).", valueName: "rules|B.h5"))
    var policy: String

    @Option(name: .long, help: "enforce: block what is judged unsafe; shadow: decide and log, never block.")
    var mode: String = "enforce"

    @Option(name: .long, help: "The user's task; fixes it for the whole session.")
    var task: String?

    @Option(name: .long, help: ArgumentHelp("Append one JSON line per decision to this file (docs/audit-log.md).", valueName: "FILE"))
    var audit: String?

    @Option(name: .long, help: ArgumentHelp("Keep tool definition pins in this file across restarts (default: beside --audit, AUDIT.pins.json; without either, for this run only). Review and accept changed definitions with `safemcp pins`.", valueName: "FILE"))
    var pins: String?

    @Option(name: .long, help: ArgumentHelp("Serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio.", valueName: "HOST:PORT"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("When a tool result or resource carries injected instructions (SAF-T1102): block replaces it with an isError block result, mark puts a note before it saying it is data from the server, log passes it unchanged. Always logged; shadow mode only logs.", valueName: "block|mark|log"))
    var onInjection: String = "mark"

    @Option(name: .long, help: ArgumentHelp("Calls per second allowed per tool, e.g. 5/s.", valueName: "N/s"))
    var rateLimit: String?

    @Option(name: .long, help: ArgumentHelp("Never offer this tool (glob, repeatable).", valueName: "TOOL"))
    var deny: [String] = []

    @Option(name: .long, help: ArgumentHelp("Offer this tool under --deny-by-default (glob, repeatable).", valueName: "TOOL"))
    var allow: [String] = []

    @Flag(name: .long, help: "Offer only the tools named by --allow.")
    var denyByDefault = false

    @Flag(name: .long, help: "If the policy bundle cannot be loaded, run on the static rules (with a warning) instead of refusing to start.")
    var failOpen = false

    @Option(name: .customLong("encoder-dir"), help: ArgumentHelp("Folder with the MiniLM model.safetensors and vocab.txt a bundle needs (default: SAFEMCP_MINILM_DIR, then the installed package).", valueName: "DIR"))
    var encoderDir: String?

    @Option(name: .long, help: ArgumentHelp("Another upstream started by the proxy (repeatable). The command and its arguments are one quoted word: --upstream 'sqlite=uvx mcp-server-sqlite --db-path my.db'.", valueName: "'NAME=CMD ARGS'"))
    var upstream: [String] = []

    @Option(name: .long, help: ArgumentHelp("A Streamable HTTP upstream (repeatable).", valueName: "[NAME=]URL"))
    var upstreamURL: [String] = []

    @Option(name: .long, help: ArgumentHelp("Upstreams from a JSON file: {\"NAME\": {\"command\": [...]} or {\"url\": \"...\"}}.", valueName: "FILE"))
    var upstreams: String?

    @Option(name: .long, help: ArgumentHelp("Seconds an upstream gets to answer a request before the agent gets an error result (the start-up handshake gets at least 60).", valueName: "SECONDS"))
    var upstreamTimeout: Double = 30

    @Option(name: .long, help: ArgumentHelp("The longest JSON-RPC message taken from the agent or an upstream; a longer one is dropped as it arrives and answered with an error (default 16 MiB).", valueName: "BYTES"))
    var maxMessageBytes: Int = ProxyConfiguration.defaultMaxMessageBytes

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The upstream server command, after --.", valueName: "CMD ARGS"))
    var command: [String] = []

    func validate() throws {
        guard ProxyMode(rawValue: mode) != nil else {
            throw ValidationError("--mode \(mode): expected enforce or shadow")
        }
        guard InjectionAction(rawValue: onInjection) != nil else {
            throw ValidationError("--on-injection \(onInjection): expected block, mark or log")
        }
        if let rateLimit { _ = try Self.parseRate(rateLimit) }
        if let http { _ = try Self.parseHostPort(http) }
        guard upstreamTimeout > 0 else { throw ValidationError("--upstream-timeout must be positive") }
        guard maxMessageBytes >= 1024 else { throw ValidationError("--max-message-bytes \(maxMessageBytes): must be at least 1024") }
        if command.isEmpty && upstream.isEmpty && upstreamURL.isEmpty && upstreams == nil {
            throw ValidationError("no upstream: give the server command after --, or --upstream, --upstream-url or --upstreams")
        }
    }

    /// An option the parser does not know, after `--upstream`, is most likely the upstream's own
    /// (`--upstream sqlite=uvx mcp-server-sqlite --db-path X`): say how to quote it.
    static func explainingQuoting(_ error: Error, arguments: [String]) -> Error? {
        guard arguments.first == "proxy", let at = arguments.firstIndex(of: "--upstream"), at + 1 < arguments.count else { return nil }
        let message = SafeMCP.message(for: error)
        guard let quoted = message.range(of: #"Unknown option '[^']+'"#, options: .regularExpression) else { return nil }
        let option = message[quoted].dropFirst("Unknown option '".count).dropLast()
        return ValidationError("\(message)\n--upstream takes the upstream's command and all its arguments as one quoted word, "
                               + "e.g. --upstream '\(arguments[at + 1]) \(option) …'")
    }

    static func parseRate(_ text: String) throws -> Double {
        let number = text.hasSuffix("/s") ? String(text.dropLast(2)) : text
        guard let rate = Double(number), rate > 0 else {
            throw ValidationError("--rate-limit \(text): expected a positive number of calls per second, e.g. 5/s")
        }
        return rate
    }

    static func parseHostPort(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ValidationError("--http \(text): expected HOST:PORT, e.g. 127.0.0.1:8765")
        }
        let host = String(text[..<colon])
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    /// The root command is synchronous (it picks BLAS kernels before any command runs), so the
    /// proxy's async server runs on the concurrency pool while this thread waits for it.
    func run() throws {
        final class Outcome: @unchecked Sendable { var error: Error? }
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        let command = self
        Task {
            do { try await command.serve() } catch { outcome.error = error }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.error { throw error }
    }

    func serve() async throws {
        let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        do {
            var specs: [UpstreamSpec] = []
            if !command.isEmpty {
                specs.append(UpstreamSpec(name: UpstreamSpec.defaultName(for: command), endpoint: .command(command)))
            }
            specs += try upstream.map(UpstreamSpec.parseCommand)
            specs += try upstreamURL.map(UpstreamSpec.parseURL)
            if let upstreams { specs += try UpstreamSpec.parseFile(upstreams) }
            let names = specs.map(\.name)
            if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
                throw ProxyError.configuration("two upstreams are named \(duplicate); name them with --upstream NAME=CMD")
            }
            let (source, encoderDirectory) = (policy, encoderDir)
            let loaded = try PolicyLoader.load(source, failOpen: failOpen, encoderDirectory: encoderDirectory, warn: log)
            // A reload never falls open: a bundle that cannot be loaded keeps the serving policy.
            let reloadable = ReloadablePolicy(loaded) {
                try PolicyLoader.load(source, failOpen: false, encoderDirectory: encoderDirectory) { _ in }
            }
            var configuration = ProxyConfiguration(upstreams: specs, policy: reloadable)
            configuration.mode = ProxyMode(rawValue: mode)!
            configuration.task = task
            configuration.auditPath = audit
            configuration.pinsPath = pins ?? audit.map { $0 + ".pins.json" }
            configuration.accessList = AccessList(allow: allow, deny: deny, denyByDefault: denyByDefault)
            configuration.rateLimit = try rateLimit.map(Self.parseRate)
            configuration.onInjection = InjectionAction(rawValue: onInjection)!
            configuration.upstreamTimeout = upstreamTimeout
            configuration.maxMessageBytes = maxMessageBytes
            configuration.version = SafeMCP.configuration.version
            try await ProxyServer.run(configuration, http: try http.map(Self.parseHostPort), log: log)
        } catch let error as ProxyError {
            log("safemcp proxy: \(error)")
            throw ExitCode.failure
        }
    }
}
