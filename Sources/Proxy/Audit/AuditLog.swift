import Episodes
import Foundation

/// Appends audit events as JSON lines. Each event is one `write(2)` of a whole line on a file
/// opened with O_APPEND, done before the proxy answers, so the log never lags the agent and
/// concurrent sessions never interleave inside a line.
public final class AuditLog: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    public let path: String
    /// Random per log writer, stamped on every event (`AuditEvent.instance`).
    public let instance = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)).lowercased()

    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ProxyError.configuration("--audit \(path): cannot open for appending: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(descriptor)
    }

    public func append(_ event: AuditEvent) throws {
        var stamped = event
        stamped.instance = instance
        var line = try stamped.line()
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        try line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ProxyError.configuration("--audit \(path): write failed: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
