import Foundation
import MCP

/// Why an upstream request produced no result: the upstream answered with a JSON-RPC error or
/// with an answer that is not of the method's shape, took longer than the timeout, or went away.
enum UpstreamFailure: Error, CustomStringConvertible {
    case errorResponse(Value)
    case invalidAnswer(upstream: String, problem: String)
    case timedOut(upstream: String, seconds: Double)
    case closed(upstream: String)

    var description: String {
        switch self {
        case .errorResponse(let error):
            return error.objectValue?["message"]?.stringValue ?? "upstream error"
        case .invalidAnswer(let upstream, let problem):
            return "upstream \(upstream) sent an invalid answer: \(problem)"
        case .timedOut(let upstream, let seconds):
            return "upstream \(upstream) did not answer within \(seconds) s"
        case .closed(let upstream):
            return "upstream \(upstream) closed the connection (crashed or exited)"
        }
    }
}

/// The proxy's client side of one upstream server: its own request ids, a timeout on every
/// request, and every pending request failed at once when the upstream goes away, so a crash
/// or a hang upstream never leaves the agent waiting.
actor UpstreamConnection {
    let name: String
    private let transport: any Transport
    private let timeout: Double
    private var nextID = 1
    private var pending: [Int: CheckedContinuation<Value, Error>] = [:]
    private var outstanding: Set<Int> = []
    private var early: [Int: Result<Value, Error>] = [:]
    private var timers: [Int: Task<Void, Never>] = [:]
    private var closed = false
    /// Notifications are handled in order on their own task: a handler that sends a request
    /// upstream (a refresh after `tools/list_changed`) must not stall the loop that would
    /// receive its answer.
    private let notifications: AsyncStream<(method: String, params: Value?)>
    private let notificationQueue: AsyncStream<(method: String, params: Value?)>.Continuation
    private(set) var serverCapabilities: Value = .object([:])
    private(set) var instructions: String?

    init(name: String, transport: any Transport, timeout: Double) {
        self.name = name
        self.transport = transport
        self.timeout = timeout
        (notifications, notificationQueue) = AsyncStream.makeStream()
    }

    func onNotification(_ handler: @escaping @Sendable (String, String, Value?) async -> Void) {
        let name = name
        let notifications = notifications
        Task {
            for await notification in notifications {
                await handler(name, notification.method, notification.params)
            }
        }
    }

    /// Connects and performs the MCP handshake as a client with no capabilities of its own, so
    /// the upstream never sends sampling, elicitation or roots requests the proxy could not route.
    func start(clientVersion: String) async throws {
        try await transport.connect()
        let messages = await transport.receive()
        Task { await self.receiveLoop(messages) }
        let result = try await request("initialize", timeout: max(timeout, Self.handshakeTimeout), params: .object([
            "protocolVersion": .string(Version.latest),
            "capabilities": .object([:]),
            "clientInfo": .object(["name": "safemcp-proxy", "version": .string(clientVersion)]),
        ]))
        serverCapabilities = result.objectValue?["capabilities"] ?? .object([:])
        instructions = result.objectValue?["instructions"]?.stringValue
        try await notify("notifications/initialized", params: nil)
    }

    /// Sends a request and waits for its result. The timeout runs from before the send, so an
    /// upstream that never answers, or a send that never completes, ends in `timedOut`.
    /// The least time a server gets to start and answer `initialize`: launchers such as `uvx`
    /// may install the server first.
    static let handshakeTimeout: Double = 60

    func request(_ method: String, timeout: Double? = nil, params: Value?, onID: (@Sendable (Int) -> Void)? = nil) async throws -> Value {
        guard !closed else { throw UpstreamFailure.closed(upstream: name) }
        let id = nextID
        nextID += 1
        onID?(id)
        outstanding.insert(id)
        let seconds = timeout ?? self.timeout
        timers[id] = Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            guard !Task.isCancelled, let self else { return }
            await self.finish(id, with: .failure(UpstreamFailure.timedOut(upstream: self.name, seconds: seconds)))
        }
        do {
            try await transport.send(JSONRPCMessage.request(id: .number(id), method: method, params: params).encoded())
        } catch {
            finish(id, with: .failure(UpstreamFailure.closed(upstream: name)))
        }
        if let result = early.removeValue(forKey: id) {
            return try result.get()
        }
        return try await withCheckedThrowingContinuation { pending[id] = $0 }
    }

    func notify(_ method: String, params: Value?) async throws {
        guard !closed else { throw UpstreamFailure.closed(upstream: name) }
        try await transport.send(JSONRPCMessage.notification(method: method, params: params).encoded())
    }

    /// Tells the upstream the agent gave up on a request it is still working on.
    func cancel(_ id: Int, reason: String?) async {
        guard outstanding.contains(id) else { return }
        var params: [String: Value] = ["requestId": .int(id)]
        if let reason { params["reason"] = .string(reason) }
        try? await notify("notifications/cancelled", params: .object(params))
        finish(id, with: .failure(UpstreamFailure.errorResponse(.object([
            "code": .int(JSONRPCMessage.internalError), "message": "Request cancelled",
        ]))))
    }

    func shutdown() async {
        await transport.disconnect()
        markClosed()
    }

    private func finish(_ id: Int, with result: Result<Value, Error>) {
        timers.removeValue(forKey: id)?.cancel()
        guard outstanding.remove(id) != nil else { return }
        if let continuation = pending.removeValue(forKey: id) {
            continuation.resume(with: result)
        } else {
            early[id] = result
        }
    }

    private func markClosed() {
        guard !closed else { return }
        closed = true
        notificationQueue.finish()
        for id in outstanding {
            finish(id, with: .failure(UpstreamFailure.closed(upstream: name)))
        }
    }

    private func receiveLoop(_ messages: AsyncThrowingStream<Data, Swift.Error>) async {
        do {
            for try await data in messages {
                await handle(data)
            }
        } catch {
            FileHandle.standardError.write(Data("safemcp proxy: upstream \(name): \(error)\n".utf8))
        }
        markClosed()
    }

    private func handle(_ data: Data) async {
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage(data: data)
        } catch {
            FileHandle.standardError.write(Data("safemcp proxy: upstream \(name) sent a malformed message (\(error.message))\n".utf8))
            // An answer whose id is still readable fails its request now, not at the timeout.
            if case .number(let id)? = error.id {
                finish(id, with: .failure(UpstreamFailure.invalidAnswer(upstream: name, problem: error.message)))
            }
            return
        }
        switch message {
        case .response(.number(let id), let result):
            finish(id, with: .success(result))
        case .errorResponse(.number(let id)?, let error):
            finish(id, with: .failure(UpstreamFailure.errorResponse(error)))
        case .request(let id, let method, _):
            let reply: JSONRPCMessage = method == "ping"
                ? .response(id: id, result: .object([:]))
                : .error(id: id, code: JSONRPCMessage.methodNotFound, message: "the safemcp proxy does not route \(method) to its clients")
            if let data = try? reply.encoded() { try? await transport.send(data) }
        case .notification(let method, let params):
            notificationQueue.yield((method, params))
        case .response, .errorResponse:
            break
        }
    }
}
