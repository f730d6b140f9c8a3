import Foundation
import MCP

/// A message a peer sent that is longer than `--max-message-bytes`: dropped as it arrived, with
/// only its first bytes kept to find out whose request it was.
struct OversizedMessage: Sendable, Equatable {
    /// How much of the message was read (all of a line, with any carriage return; an HTTP body
    /// only up to the limit).
    var bytes: Int
    var limit: Int
    /// The top-level `id`, when it came before the cut.
    var id: ID?
    /// A top-level `method` came before the cut: a request or notification, not a response.
    var hasMethod: Bool

    /// How many leading bytes of an oversized message are kept to look for its `id`: JSON-RPC
    /// clients write `jsonrpc`, `id` and `method` before `params`.
    static let headBytes = 4096

    init(bytes: Int, limit: Int, head: Data) {
        self.bytes = bytes
        self.limit = limit
        (id, hasMethod) = Self.peek(head)
    }

    var explanation: String {
        "the message is over the limit of \(limit) bytes (--max-message-bytes; \(bytes) bytes read); it was discarded"
    }

    /// Finds the top-level `id` and whether there is a top-level `method` in the start of a JSON
    /// object, without parsing the (cut-off) rest.
    static func peek(_ head: Data) -> (id: ID?, hasMethod: Bool) {
        let bytes = [UInt8](head)
        var id: ID?
        var hasMethod = false
        var depth = 0
        var expectingKey = false
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                depth += 1
                expectingKey = depth == 1
                index += 1
            case UInt8(ascii: "["):
                depth += 1
                expectingKey = false
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
                index += 1
            case UInt8(ascii: "\""):
                guard let end = stringEnd(bytes, from: index) else { return (id, hasMethod) }
                guard depth == 1 && expectingKey else {
                    index = end
                    continue
                }
                let key = bytes[(index + 1)..<(end - 1)]
                var value = end
                while value < bytes.count, bytes[value] == UInt8(ascii: " ") || bytes[value] == UInt8(ascii: ":") { value += 1 }
                if key.elementsEqual("method".utf8) { hasMethod = true }
                if key.elementsEqual("id".utf8) { id = scalarID(bytes, at: value) }
                expectingKey = false
                index = value
            default:
                index += 1
            }
        }
        return (id, hasMethod)
    }

    /// The index just past the closing quote of the string that opens at `start`.
    private static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// A string or integer id starting at `start`, decoded as the full parser would.
    private static func scalarID(_ bytes: [UInt8], at start: Int) -> ID? {
        guard start < bytes.count else { return nil }
        var end = start
        if bytes[start] == UInt8(ascii: "\"") {
            guard let close = stringEnd(bytes, from: start) else { return nil }
            end = close
        } else {
            while end < bytes.count, bytes[end] == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
            // A number cut off by the end of the head is not the id's whole value.
            guard end < bytes.count else { return nil }
        }
        switch try? JSONDecoder().decode(Value.self, from: Data(bytes[start..<end])) {
        case .string(let text)?: return .string(text)
        case .int(let number)?: return .number(number)
        default: return nil
        }
    }
}

/// Splits a byte stream into newline-delimited messages in time linear in its length: each
/// chunk is searched for newlines once, and a line longer than `limit` is dropped as it
/// arrives (only its first `OversizedMessage.headBytes` are kept), never buffered whole.
struct LineSplitter {
    enum Piece: Equatable {
        case message(Data)
        case oversized(OversizedMessage)
    }

    let limit: Int
    /// JSON-RPC lines skip blank ones; server-sent events need them, they end an event.
    let keepsBlankLines: Bool
    private var line = Data()
    /// Bytes of the current line seen so far while it is being dropped; nil while it fits.
    private var droppedLength: Int?

    init(limit: Int, keepsBlankLines: Bool = false) {
        self.limit = limit
        self.keepsBlankLines = keepsBlankLines
    }

    /// What the current line holds in memory: at most `limit` bytes.
    var bufferedBytes: Int { line.count }

    mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [Piece] {
        var pieces: [Piece] = []
        var start = 0
        while start < chunk.count {
            let rest = UnsafeRawBufferPointer(rebasing: chunk[start...])
            let newline = rest.firstIndex(of: UInt8(ascii: "\n")).map { start + $0 }
            let end = newline ?? chunk.count
            take(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
            if newline != nil, let piece = finishLine() { pieces.append(piece) }
            start = end + 1
        }
        return pieces
    }

    private mutating func take(_ bytes: UnsafeRawBufferPointer) {
        if let dropped = droppedLength {
            droppedLength = dropped + bytes.count
        } else if line.count + bytes.count > limit {
            droppedLength = line.count + bytes.count
            let kept = max(0, min(bytes.count, OversizedMessage.headBytes - line.count))
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<kept]))
            line = Data(line.prefix(OversizedMessage.headBytes))
        } else {
            line.append(contentsOf: bytes)
        }
    }

    private mutating func finishLine() -> Piece? {
        defer {
            line = Data()
            droppedLength = nil
        }
        if let length = droppedLength {
            return .oversized(OversizedMessage(bytes: length, limit: limit, head: line))
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard keepsBlankLines || !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return nil }
        return .message(line)
    }
}
