import Foundation
import Logging
import MCP

/// Newline-delimited JSON-RPC over a pair of file descriptors (the proxy's own stdin/stdout, or
/// an upstream process's pipes).
///
/// The SDK's `StdioTransport` polls a non-blocking descriptor and sleeps 10 ms whenever it is
/// empty, which alone would add up to 10 ms per hop; here a dedicated thread blocks in `read`,
/// so a message is handed on as soon as its newline arrives.
///
/// A line over `maxMessageBytes` is dropped as it streams in (`LineSplitter`). As the agent's
/// server (`.server`), the transport answers it itself with an Invalid Request error for its
/// id; as an upstream's client (`.client`), it hands on an error response for the request it
/// answered, so that call fails at once with a reason instead of waiting for its timeout.
public actor LineTransport: Transport {
    public enum Role: Sendable {
        case server
        case client
    }

    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let label: String
    private let role: Role
    private let maxMessageBytes: Int
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var started = false
    private var closed = false

    public init(input: Int32, output: Int32, label: String, role: Role, maxMessageBytes: Int) {
        self.input = input
        self.output = output
        self.label = label
        self.role = role
        self.maxMessageBytes = maxMessageBytes
        self.logger = Logger(label: "safemcp.transport.\(label)", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let thread = Thread { [input, continuation, maxMessageBytes] in
            var splitter = LineSplitter(limit: maxMessageBytes)
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                let pieces = buffer.withUnsafeBytes { splitter.feed(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                for piece in pieces {
                    switch piece {
                    case .message(let line): continuation.yield(line)
                    case .oversized(let message): Task { await self.refuse(message) }
                    }
                }
            }
            continuation.finish()
        }
        thread.name = "safemcp-read-\(input)"
        thread.start()
    }

    private func refuse(_ message: OversizedMessage) async {
        FileHandle.standardError.write(Data("safemcp proxy: \(label): \(message.explanation)\n".utf8))
        switch role {
        case .server:
            // Unanswered, a request would wait forever; a notification's sender ignores the reply.
            let reply = JSONRPCMessage.error(id: message.id, code: JSONRPCMessage.invalidRequest, message: "Invalid Request: \(message.explanation)")
            if let data = try? reply.encoded() { try? await send(data) }
        case .client:
            guard let id = message.id, !message.hasMethod else { return }
            let reply = JSONRPCMessage.error(id: id, code: JSONRPCMessage.internalError, message: "\(label) sent an answer that \(message.explanation)")
            if let data = try? reply.encoded() { continuation.yield(data) }
        }
    }

    public func disconnect() async {
        guard !closed else { return }
        closed = true
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        guard !closed else { throw MCPError.connectionClosed }
        var message = data
        message.append(UInt8(ascii: "\n"))
        let failed: Int32? = message.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(output, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failed {
            throw MCPError.transportError(NSError(domain: NSPOSIXErrorDomain, code: Int(failed)))
        }
    }

    public nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        stream
    }
}
