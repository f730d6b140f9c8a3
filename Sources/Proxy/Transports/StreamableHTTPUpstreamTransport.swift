import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MCP

/// The proxy's client side of a Streamable HTTP upstream (`--upstream-url`).
///
/// On Linux the SDK's `HTTPClientTransport` reads a response whole and hands a
/// `text/event-stream` answer on as one raw blob instead of its JSON-RPC messages; servers such
/// as the Python SDK's answer every POST that way and may keep the stream open after the
/// response. So this transport reads each POST's body as it arrives (a URLSession data
/// delegate), parses the event stream, and hands on each message at once, progress included.
/// The standalone GET stream for server-initiated messages is not opened (see the README).
actor StreamableHTTPUpstreamTransport: Transport {
    nonisolated let logger: Logger
    private let endpoint: URL
    private let receiver: ResponseReceiver
    private let session: URLSession
    private let state = SessionState()
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation

    /// The session id and protocol version the upstream gave, read and written from URLSession's
    /// delegate thread as soon as a response head arrives, before the next POST is built.
    final class SessionState: @unchecked Sendable {
        private let lock = NSLock()
        private var sessionID: String?
        private var protocolVersion: String?

        func headers() -> (sessionID: String?, protocolVersion: String?) {
            lock.lock()
            defer { lock.unlock() }
            return (sessionID, protocolVersion)
        }

        func adopt(sessionID: String?, protocolVersion: String?) {
            lock.lock()
            defer { lock.unlock() }
            if let sessionID { self.sessionID = sessionID }
            if let protocolVersion, self.protocolVersion == nil { self.protocolVersion = protocolVersion }
        }
    }

    init(endpoint: URL, name: String, maxMessageBytes: Int) {
        self.endpoint = endpoint
        receiver = ResponseReceiver(maxMessageBytes: maxMessageBytes)
        logger = Logger(label: "safemcp.transport.http.\(name)", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 3600
        session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: nil)
    }

    func connect() async throws {}

    func disconnect() async {
        if let sessionID = state.headers().sessionID {
            var request = URLRequest(url: endpoint)
            request.httpMethod = "DELETE"
            request.setValue(sessionID, forHTTPHeaderField: HTTPHeaderName.sessionID)
            let task = session.dataTask(with: request)
            receiver.expect(task, onMessage: { _ in }, onHead: { _ in }, onEnd: { _ in })
            task.resume()
        }
        continuation.finish()
    }

    /// Starts the POST for one message and returns; what the upstream answers arrives on
    /// `receive()` as it streams in. A POST that fails, or whose stream ends without the answer
    /// to its request, is answered with a JSON-RPC error for that request, so no caller waits
    /// for its timeout.
    func send(_ data: Data) async throws {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = data
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: HTTPHeaderName.accept)
        request.setValue("application/json", forHTTPHeaderField: HTTPHeaderName.contentType)
        let (sessionID, protocolVersion) = state.headers()
        if let sessionID { request.setValue(sessionID, forHTTPHeaderField: HTTPHeaderName.sessionID) }
        if let protocolVersion { request.setValue(protocolVersion, forHTTPHeaderField: HTTPHeaderName.protocolVersion) }
        let requestID = (try? JSONDecoder().decode(Value.self, from: data))?.objectValue?["id"]
        let task = session.dataTask(with: request)
        let continuation = self.continuation
        let state = self.state
        let answered = OnceFlag()
        let endpoint = self.endpoint
        receiver.expect(task, onMessage: { message in
            continuation.yield(message)
            let value = (try? JSONDecoder().decode(Value.self, from: message))?.objectValue
            state.adopt(sessionID: nil, protocolVersion: value?["result"]?.objectValue?["protocolVersion"]?.stringValue)
            if let requestID, value?["id"] == requestID, value?["method"] == nil, answered.set() {
                task.cancel()
            }
        }, onHead: { response in
            state.adopt(sessionID: response.value(forHTTPHeaderField: HTTPHeaderName.sessionID), protocolVersion: nil)
        }, onEnd: { error in
            guard let requestID, answered.set() else { return }
            let why = error.map { "\($0.localizedDescription)" } ?? "the response ended without an answer"
            let reply = JSONRPCMessage.errorResponse(id: requestID.intValue.map(ID.number) ?? requestID.stringValue.map(ID.string), error: .object([
                "code": .int(JSONRPCMessage.internalError), "message": .string("HTTP upstream \(endpoint): \(why)"),
            ]))
            if let encoded = try? reply.encoded() { continuation.yield(encoded) }
        })
        task.resume()
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        stream
    }
}

/// True the first time `set` is called, false afterwards, from any thread.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

/// Routes URLSession delegate callbacks to the POST they belong to, parsing JSON or
/// server-sent events as the bytes arrive. An answer over `maxMessageBytes` (a JSON body, or
/// one event's data) ends its POST with an error, before it is buffered whole.
final class ResponseReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Pending {
        var onMessage: @Sendable (Data) -> Void
        var onHead: @Sendable (HTTPURLResponse) -> Void
        var onEnd: @Sendable (Error?) -> Void
        var isEventStream = false
        var status = 0
        var buffer = Data()
        var lines: LineSplitter
        var eventLines: [Data] = []
        var eventBytes = 0
    }

    private let lock = NSLock()
    private var pending: [Int: Pending] = [:]
    let maxMessageBytes: Int

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    func expect(_ task: URLSessionTask, onMessage: @escaping @Sendable (Data) -> Void, onHead: @escaping @Sendable (HTTPURLResponse) -> Void, onEnd: @escaping @Sendable (Error?) -> Void) {
        lock.lock()
        pending[task.taskIdentifier] = Pending(onMessage: onMessage, onHead: onHead, onEnd: onEnd,
                                               lines: LineSplitter(limit: maxMessageBytes, keepsBlankLines: true))
        lock.unlock()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse {
            lock.lock()
            pending[dataTask.taskIdentifier]?.isEventStream = (http.value(forHTTPHeaderField: "Content-Type") ?? "").contains("text/event-stream")
            pending[dataTask.taskIdentifier]?.status = http.statusCode
            let onHead = pending[dataTask.taskIdentifier]?.onHead
            lock.unlock()
            onHead?(http)
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        guard var entry = pending[dataTask.taskIdentifier] else { lock.unlock(); return }
        var messages: [Data] = []
        var oversized: OversizedMessage?
        if entry.isEventStream {
            for piece in data.withUnsafeBytes({ entry.lines.feed($0) }) {
                guard case .message(let line) = piece else {
                    if case .oversized(let message) = piece { oversized = message }
                    break
                }
                if line.isEmpty {
                    if !entry.eventLines.isEmpty { messages.append(Data(entry.eventLines.joined(separator: [UInt8(ascii: "\n")]))) }
                    entry.eventLines = []
                    entry.eventBytes = 0
                } else if line.starts(with: Array("data:".utf8)) {
                    var payload = line.dropFirst(5)
                    if payload.first == UInt8(ascii: " ") { payload = payload.dropFirst() }
                    entry.eventLines.append(Data(payload))
                    entry.eventBytes += payload.count + 1
                    if entry.eventBytes > maxMessageBytes {
                        oversized = OversizedMessage(bytes: entry.eventBytes, limit: maxMessageBytes, head: entry.eventLines[0])
                        break
                    }
                }
            }
        } else if entry.buffer.count + data.count > maxMessageBytes {
            oversized = OversizedMessage(bytes: entry.buffer.count + data.count, limit: maxMessageBytes,
                                         head: (entry.buffer + data.prefix(OversizedMessage.headBytes)).prefix(OversizedMessage.headBytes))
        } else {
            entry.buffer.append(data)
        }
        if let oversized {
            pending.removeValue(forKey: dataTask.taskIdentifier)
            lock.unlock()
            dataTask.cancel()
            for message in messages where !message.isEmpty { entry.onMessage(message) }
            entry.onEnd(MCPError.internalError("the answer \(oversized.explanation)"))
            return
        }
        pending[dataTask.taskIdentifier] = entry
        lock.unlock()
        for message in messages where !message.isEmpty { entry.onMessage(message) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let entry = pending.removeValue(forKey: task.taskIdentifier)
        lock.unlock()
        guard let entry else { return }
        if !entry.isEventStream, !entry.buffer.isEmpty { entry.onMessage(entry.buffer) }
        let cancelled = (error as? URLError)?.code == .cancelled
        if let error, !cancelled {
            entry.onEnd(error)
        } else if !(200..<300).contains(entry.status) && entry.buffer.isEmpty && !cancelled {
            entry.onEnd(MCPError.internalError("HTTP \(entry.status) from the upstream"))
        } else {
            entry.onEnd(nil)
        }
    }
}
