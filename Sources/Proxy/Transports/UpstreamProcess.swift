import Foundation

/// An upstream MCP server the proxy started itself, talking newline-delimited JSON-RPC on its
/// stdin/stdout; its stderr goes to the proxy's stderr, where its own logs belong.
final class UpstreamProcess: @unchecked Sendable {
    let process = Process()
    let transport: LineTransport
    private let toUpstream = Pipe()
    private let fromUpstream = Pipe()

    init(command: [String], name: String, maxMessageBytes: Int) throws {
        guard let executable = command.first else {
            throw ProxyError.configuration("upstream \(name): empty command")
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardInput = toUpstream
        process.standardOutput = fromUpstream
        process.standardError = FileHandle.standardError
        transport = LineTransport(
            input: fromUpstream.fileHandleForReading.fileDescriptor,
            output: toUpstream.fileHandleForWriting.fileDescriptor,
            label: "upstream \(name)", role: .client, maxMessageBytes: maxMessageBytes)
        do {
            try process.run()
        } catch {
            throw ProxyError.configuration("upstream \(name): cannot start \(executable): \(error.localizedDescription)")
        }
    }

    var processIdentifier: Int32 { process.processIdentifier }

    func terminate() {
        if process.isRunning { process.terminate() }
    }
}
