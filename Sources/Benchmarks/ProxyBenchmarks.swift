import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `safemcp proxy` costs: the latency it adds to a `tools/call` (p50 and p99, the
/// proxy's rules, policy and audit log all on) against calling the same upstream directly in
/// the same rounds,
/// calls per second with 8 concurrent Streamable HTTP clients, and the proxy's peak resident
/// memory; first with `--policy rules`, then with a MiniLM policy bundle (the encoder on,
/// `ProxyBenchmarks+Bundle.swift`); and whether memory stays flat over many large calls (the
/// resident set after `largeCalls` calls of 1 MB each against the one after a warm-up). The upstream is a tiny echo server in standard-library
/// Python, so the figures are the proxy's own cost; everything runs over pipes and loopback,
/// bounded in count.
public struct ProxyBenchmarks: BenchmarkSection {
    public let name = "proxy"
    let proxyExecutable: String
    let sequentialCalls: Int
    let concurrentClients: Int
    let callsPerClient: Int
    let largeCalls: Int
    /// Rounds of sequential calls, each to the upstream directly and through both proxies in
    /// turn; each latency figure is the median of its rounds.
    let rounds: Int

    public init(proxyExecutable: String, sequentialCalls: Int = 2000, rounds: Int = 3, concurrentClients: Int = 8, callsPerClient: Int = 250,
                largeCalls: Int = 10_000) {
        self.proxyExecutable = proxyExecutable
        self.sequentialCalls = sequentialCalls
        self.rounds = rounds
        self.concurrentClients = concurrentClients
        self.callsPerClient = callsPerClient
        self.largeCalls = largeCalls
    }

    /// Answers initialize, tools/list and tools/call (echoing the arguments) on stdio.
    static let echoServer = #"""
    import json, sys
    TOOL = {"name": "echo", "description": "Echo the text back.",
            "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}}
    for line in sys.stdin:
        message = json.loads(line)
        if "id" not in message:
            continue
        method = message.get("method")
        if method == "initialize":
            result = {"protocolVersion": message["params"]["protocolVersion"], "capabilities": {"tools": {}},
                      "serverInfo": {"name": "echo", "version": "1"}}
        elif method == "tools/list":
            result = {"tools": [TOOL]}
        elif method == "tools/call":
            result = {"content": [{"type": "text", "text": message["params"]["arguments"]["text"]}]}
        else:
            result = {}
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}) + "\n")
        sys.stdout.flush()
    """#

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("safemcp-proxy-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = directory.appendingPathComponent("echo_server.py").path
        try Data(Self.echoServer.utf8).write(to: URL(fileURLWithPath: server))
        let upstream = ["python3", server]
        let proxyArguments = ["proxy", "--policy", "rules", "--task", "Echo some text",
                              "--audit", directory.appendingPathComponent("audit.jsonl").path]

        let bundleArguments = try Self.bundleArguments(in: directory)
        let direct = try StdioPeer(command: ["/usr/bin/env"] + upstream)
        let rules = try StdioPeer(command: [proxyExecutable] + proxyArguments + ["--"] + upstream)
        let bundle = try StdioPeer(command: [proxyExecutable] + bundleArguments + ["--"] + upstream)
        var runs: [[String: Double]] = []
        for round in 1...rounds {
            log("round \(round) of \(rounds): \(sequentialCalls) sequential calls each to the echo server directly, through the proxy "
                + "with --policy rules, and through the proxy with a MiniLM bundle of \(Self.bundleMembers) members, load average \(EncoderBenchmarks.loadAverage())")
            let (directCalls, rulesCalls, bundleCalls) = (try direct.latencies(calls: sequentialCalls, round: round),
                                                          try rules.latencies(calls: sequentialCalls, round: round),
                                                          try bundle.latencies(calls: sequentialCalls, round: round))
            var figures: [String: Double] = [:]
            for (label, fraction) in [("p50", 0.5), ("p99", 0.99)] {
                let directFigure = Self.percentile(directCalls, fraction)
                figures["direct \(label)"] = directFigure
                figures["rules \(label)"] = Self.percentile(rulesCalls, fraction)
                figures["rules added \(label)"] = Self.percentile(rulesCalls, fraction) - directFigure
                figures["bundle \(label)"] = Self.percentile(bundleCalls, fraction)
                figures["bundle added \(label)"] = Self.percentile(bundleCalls, fraction) - directFigure
            }
            log(String(format: "round %d: direct p50 %.3f / p99 %.3f ms, rules added %.2f / %.2f ms, MiniLM bundle added %.2f / %.2f ms", round,
                       figures["direct p50"]! * 1000, figures["direct p99"]! * 1000, figures["rules added p50"]! * 1000,
                       figures["rules added p99"]! * 1000, figures["bundle added p50"]! * 1000, figures["bundle added p99"]! * 1000))
            runs.append(figures)
        }
        let stdioPeakKB = rules.peakResidentKB(), bundlePeakKB = bundle.peakResidentKB()
        direct.close()
        rules.close()
        bundle.close()
        let latency = Stopwatch.medians(runs)
        let decisions = try Self.decisionMilliseconds(auditLog: directory.appendingPathComponent("audit-bundle.jsonl"))
        log(String(format: "MiniLM bundle, rules + policy decision (audit decision_ms): p50 %.2f ms, p99 %.2f ms over %d calls",
                   Self.percentile(decisions, 0.5), Self.percentile(decisions, 0.99), decisions.count))

        log("\(concurrentClients) concurrent HTTP clients × \(callsPerClient) calls")
        let http = try HTTPProxyUnderLoad(executable: proxyExecutable, arguments: proxyArguments, upstream: upstream)
        defer { http.close() }
        let callsPerSecond = try http.callsPerSecond(clients: concurrentClients, callsPerClient: callsPerClient)
        let peakKB = max(stdioPeakKB, http.peakResidentKB())

        let bundleResults = try measureBundleUnderLoad(arguments: bundleArguments, upstream: upstream, stdioPeakKB: bundlePeakKB,
                                                       latency: latency, log: log)

        // No audit log here: it would hold 10 GB of arguments, as it should.
        log("\(largeCalls) sequential calls with 1 MB arguments")
        let largePeer = try StdioPeer(command: [proxyExecutable, "proxy", "--policy", "rules", "--task", "Echo some text", "--"] + upstream)
        let warmUp = 10
        try largePeer.largeCalls(warmUp, bytes: 1_000_000)
        let warmKB = Self.statusKB(pid: largePeer.process.processIdentifier, field: "VmRSS")
        try largePeer.largeCalls(largeCalls, bytes: 1_000_000)
        let afterKB = Self.statusKB(pid: largePeer.process.processIdentifier, field: "VmRSS")
        largePeer.close()

        func milliseconds(_ key: String) -> Double { latency[key]! * 1000 }
        return [
            BenchmarkResult(section: name, name: "tools/call p50 via proxy", value: milliseconds("rules p50"), unit: "ms",
                            references: [Reference(label: "direct", value: milliseconds("direct p50"), higherIsBetter: false)]),
            BenchmarkResult(section: name, name: "tools/call p99 via proxy", value: milliseconds("rules p99"), unit: "ms",
                            references: [Reference(label: "direct", value: milliseconds("direct p99"), higherIsBetter: false)]),
            BenchmarkResult(section: name, name: "added latency p50", value: milliseconds("rules added p50"), unit: "ms"),
            BenchmarkResult(section: name, name: "added latency p99", value: milliseconds("rules added p99"), unit: "ms", target: .atMost(15)),
            BenchmarkResult(section: name, name: "calls/s, \(concurrentClients) HTTP clients", value: callsPerSecond, unit: "calls/s"),
            BenchmarkResult(section: name, name: "proxy peak RSS", value: Double(peakKB) / 1024, unit: "MB", target: .atMost(300)),
            BenchmarkResult(section: name, name: "RSS after \(largeCalls) × 1 MB calls", value: Double(afterKB) / 1024, unit: "MB",
                            references: [Reference(label: "after \(warmUp)", value: Double(warmKB) / 1024, higherIsBetter: false)],
                            target: .ratioAtLeast(1 / 1.1)),
        ] + bundleResults
    }

    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    static func peakResidentKB(pid: Int32) -> Int {
        statusKB(pid: pid, field: "VmHWM")
    }

    /// A memory figure of /proc/PID/status (`VmRSS`, `VmHWM`), in kB.
    static func statusKB(pid: Int32, field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}

/// An MCP server process driven over its stdin/stdout, one request at a time.
final class StdioPeer {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()
    private var nextID = 1

    init(command: [String]) throws {
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = try request("initialize", #"{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}"#)
        try send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        _ = try request("tools/list", "{}")
    }

    /// Each call's text names its round and index, so no call repeats one of an earlier round: the
    /// bundle's proxy caches the embedding of every text it has seen, and a repeated call would
    /// time the cache, not the encoder that a real session's varied calls run.
    func latencies(calls: Int, round: Int) throws -> [Double] {
        for _ in 0..<min(100, calls) { _ = try request("tools/call", #"{"name":"echo","arguments":{"text":"warm up"}}"#) }
        var samples: [Double] = []
        samples.reserveCapacity(calls)
        for index in 0..<calls {
            let text = "round \(round) call \(index)"
            let started = Stopwatch.now()
            let reply = try request("tools/call", #"{"name":"echo","arguments":{"text":"\#(text)"}}"#)
            samples.append(Stopwatch.now() - started)
            guard reply.contains(text) else { throw BenchmarkFailure("unexpected reply: \(reply)") }
        }
        return samples
    }

    /// Calls `echo` `count` times with a text of `bytes` bytes, checking each answer's length.
    func largeCalls(_ count: Int, bytes: Int) throws {
        let text = String(repeating: "a", count: bytes)
        for _ in 0..<count {
            let reply = try request("tools/call", #"{"name":"echo","arguments":{"text":"\#(text)"}}"#)
            guard reply.utf8.count > bytes else { throw BenchmarkFailure("unexpected reply: \(reply.prefix(300))") }
        }
    }

    func request(_ method: String, _ params: String) throws -> String {
        let id = nextID
        nextID += 1
        try send(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#)
        while true {
            let line = try readLine()
            if line.contains("\"id\":\(id)") || line.contains("\"id\": \(id)") { return line }
        }
    }

    private func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Searches for a newline only where the last search did not: a 1 MB answer arrives in
    /// hundreds of chunks, and searching it from its start after each one made the client, not
    /// the proxy, take a second per large call.
    private func readLine() throws -> String {
        var searched = 0
        while true {
            if let newline = buffer[(buffer.startIndex + searched)...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                return line
            }
            searched = buffer.count
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchmarkFailure("the peer closed its output") }
            buffer.append(chunk)
        }
    }

    func peakResidentKB() -> Int {
        ProxyBenchmarks.peakResidentKB(pid: process.processIdentifier)
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// `safemcp proxy --http 127.0.0.1:0` and clients that each open their own MCP session.
final class HTTPProxyUnderLoad {
    let process = Process()
    let url: URL

    init(executable: String, arguments: [String], upstream: [String]) throws {
        let errors = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + ["--http", "127.0.0.1:0", "--"] + upstream
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Stopwatch.now() + 30
        while Stopwatch.now() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"http://127\.0\.0\.1:\d+/mcp"#, options: .regularExpression) {
                url = URL(string: String(text[range]))!
                return
            }
        }
        process.terminate()
        throw BenchmarkFailure("the HTTP proxy did not start: \(text)")
    }

    func callsPerSecond(clients: Int, callsPerClient: Int) throws -> Double {
        let sessions = try (0..<clients).map { _ in try HTTPClientSession(url: url) }
        let failures = FailureCount()
        let group = DispatchGroup()
        let started = Stopwatch.now()
        for (client, session) in sessions.enumerated() {
            DispatchQueue.global().async(group: group) {
                for index in 0..<callsPerClient where (try? session.call(index, text: "client \(client) call \(index)")) != true {
                    failures.add()
                }
            }
        }
        group.wait()
        let elapsed = Stopwatch.now() - started
        guard failures.value == 0 else { throw BenchmarkFailure("\(failures.value) concurrent calls failed") }
        return Double(clients * callsPerClient) / elapsed
    }

    func peakResidentKB() -> Int {
        ProxyBenchmarks.peakResidentKB(pid: process.processIdentifier)
    }

    func close() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// One MCP session over Streamable HTTP on one keep-alive connection, with blocking calls on
/// a plain socket: FoundationNetworking's URLSession costs several milliseconds a request on
/// Linux and would measure itself instead of the proxy.
final class HTTPClientSession: @unchecked Sendable {
    private let descriptor: Int32
    private let host: String
    private let path: String
    private var sessionID = ""
    private var buffer = [UInt8]()

    init(url: URL) throws {
        host = "\(url.host ?? "127.0.0.1"):\(url.port ?? 80)"
        path = url.path
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(url.port ?? 80).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BenchmarkFailure("cannot connect to \(url)") }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let (headers, _) = try post(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#)
        sessionID = headers["mcp-session-id"] ?? ""
        _ = try post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
    }

    deinit {
        close(descriptor)
    }

    /// One call echoing `text`; the clients' texts differ, so none reads another's cached embedding.
    func call(_ index: Int, text: String) throws -> Bool {
        let (_, body) = try post(#"{"jsonrpc":"2.0","id":\#(index + 1),"method":"tools/call","params":{"name":"echo","arguments":{"text":"\#(text)"}}}"#)
        return body.contains(text)
    }

    private func post(_ body: String) throws -> (headers: [String: String], body: String) {
        var request = "POST \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\n"
        request += "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-06-18\r\n"
        if !sessionID.isEmpty { request += "Mcp-Session-Id: \(sessionID)\r\n" }
        request += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw BenchmarkFailure("send failed")
        }
        let head = String(decoding: try readUntil(Array("\r\n\r\n".utf8)), as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let status = lines.first, status.contains(" 20") else { throw BenchmarkFailure("HTTP error: \(head)") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var payload: [UInt8] = []
        if let length = headers["content-length"].flatMap(Int.init) {
            payload = try readExactly(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let sizeLine = String(decoding: try readUntil(Array("\r\n".utf8)), as: UTF8.self)
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else { throw BenchmarkFailure("bad chunk size") }
                payload += try readExactly(size)
                _ = try readExactly(2)
                if size == 0 { break }
            }
        }
        return (headers, String(decoding: payload, as: UTF8.self))
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw BenchmarkFailure("the proxy closed the connection") }
        buffer += chunk[..<count]
    }

    private func readUntil(_ marker: [UInt8]) throws -> [UInt8] {
        while true {
            if buffer.count >= marker.count {
                for start in 0...(buffer.count - marker.count) where Array(buffer[start..<(start + marker.count)]) == marker {
                    let found = Array(buffer[..<start])
                    buffer.removeFirst(start + marker.count)
                    return found
                }
            }
            try fill()
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let found = Array(buffer[..<count])
        buffer.removeFirst(count)
        return found
    }
}

final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func add() { lock.lock(); count += 1; lock.unlock() }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
