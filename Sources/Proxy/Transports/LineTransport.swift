import Foundation
import Logging
import MCP

/// Newline-delimited JSON-RPC over a pair of file descriptors (the proxy's own stdin/stdout, or
/// an upstream process's pipes).
///
/// The SDK's `StdioTransport` polls a non-blocking descriptor and sleeps 10 ms whenever it is
/// empty, which alone would add up to 10 ms per hop; here a dedicated thread blocks in `read`,
/// so a message is handed on as soon as its newline arrives.
public actor LineTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var started = false
    private var closed = false

    public init(input: Int32, output: Int32, label: String) {
        self.input = input
        self.output = output
        self.logger = Logger(label: "safemcp.transport.\(label)", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let thread = Thread { [input, continuation] in
            Self.readLines(from: input, into: continuation)
        }
        thread.name = "safemcp-read-\(input)"
        thread.start()
    }

    private static func readLines(from descriptor: Int32, into continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var pending = Data()
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = pending[pending.startIndex..<newline]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                pending = pending[(newline + 1)...]
                if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                    continuation.yield(Data(line))
                }
            }
        }
        continuation.finish()
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
