import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MCP

/// The proxy's client side of a Streamable HTTP upstream (`--upstream-url`).
///
/// On Linux the SDK's `HTTPClientTransport` hands a `text/event-stream` answer on as one raw
/// blob instead of its JSON-RPC messages, and servers such as the Python SDK's answer POSTs that
/// way, so this transport parses the event stream itself. FoundationNetworking gives the body
/// only once the server ends it, which a server does after the response for a POST; the
/// standalone GET stream for server-initiated messages is not opened (see the README).
actor StreamableHTTPUpstreamTransport: Transport {
    nonisolated let logger: Logger
    private let endpoint: URL
    private let session: URLSession
    private var sessionID: String?
    private var protocolVersion: String?
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation

    init(endpoint: URL, name: String) {
        self.endpoint = endpoint
        logger = Logger(label: "safemcp.transport.http.\(name)", factory: { _ in SwiftLogNoOpLogHandler() })
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 3600
        session = URLSession(configuration: configuration)
        (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
    }

    func connect() async throws {}

    func disconnect() async {
        if let sessionID {
            var request = URLRequest(url: endpoint)
            request.httpMethod = "DELETE"
            request.setValue(sessionID, forHTTPHeaderField: HTTPHeaderName.sessionID)
            _ = try? await session.data(for: request)
        }
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = data
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: HTTPHeaderName.accept)
        request.setValue("application/json", forHTTPHeaderField: HTTPHeaderName.contentType)
        if let sessionID { request.setValue(sessionID, forHTTPHeaderField: HTTPHeaderName.sessionID) }
        if let protocolVersion { request.setValue(protocolVersion, forHTTPHeaderField: HTTPHeaderName.protocolVersion) }
        let (body, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw MCPError.internalError("not an HTTP response") }
        if let id = http.value(forHTTPHeaderField: HTTPHeaderName.sessionID) { sessionID = id }
        let contentType = http.value(forHTTPHeaderField: HTTPHeaderName.contentType) ?? ""
        let messages = contentType.contains("text/event-stream") ? Self.events(in: body) : (body.isEmpty ? [] : [body])
        if !(200..<300).contains(http.statusCode) && messages.isEmpty {
            throw MCPError.internalError("HTTP \(http.statusCode) from \(endpoint)")
        }
        for message in messages {
            if protocolVersion == nil,
               let value = try? JSONDecoder().decode(Value.self, from: message),
               let version = value.objectValue?["result"]?.objectValue?["protocolVersion"]?.stringValue {
                protocolVersion = version
            }
            continuation.yield(message)
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        stream
    }

    /// The `data:` payloads of a server-sent event stream, one per event.
    static func events(in body: Data) -> [Data] {
        var events: [Data] = []
        var lines: [Substring] = []
        func flush() {
            if !lines.isEmpty { events.append(Data(lines.joined(separator: "\n").utf8)) }
            lines = []
        }
        for rawLine in String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty {
                flush()
            } else if line.hasPrefix("data:") {
                let payload = line.dropFirst(5)
                lines.append(payload.hasPrefix(" ") ? payload.dropFirst() : payload)
            }
        }
        flush()
        return events.filter { !$0.isEmpty }
    }
}
