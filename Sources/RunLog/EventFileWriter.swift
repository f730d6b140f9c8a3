import Checksums
import Foundation

/// Writes TensorBoard event files (`events.out.tfevents.<time>.<host>`) without TensorFlow:
/// TFRecord framing (length, masked CRC-32C of the length, payload, masked CRC-32C of the
/// payload) around hand-encoded `Event` protocol buffers. The first event carries
/// `file_version: "brain.Event:2"`, which TensorBoard's reader requires; every later event
/// holds scalar `Summary` values (`simple_value`).
public final class EventFileWriter {
    public let url: URL
    private let handle: FileHandle

    /// Creates a new event file in `directory`; the name follows TensorBoard's convention so
    /// `tensorboard --logdir` finds it.
    public init(directory: URL, wallTime: Double = Date().timeIntervalSince1970) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName
        let name = "events.out.tfevents.\(Int(wallTime)).\(host).\(getpid())"
        url = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw RunLogError.cannotCreate(url.path)
        }
        handle = try FileHandle(forWritingTo: url)
        var event = ProtobufWriter()
        event.double(field: 1, wallTime)
        event.string(field: 3, "brain.Event:2")
        try writeRecord(event.bytes)
    }

    deinit {
        try? handle.close()
    }

    /// Appends one event holding the given scalars at `step`, and flushes it so a crash loses
    /// at most the event being written.
    public func write(step: Int, scalars: [(tag: String, value: Double)], wallTime: Double = Date().timeIntervalSince1970) throws {
        var summary = ProtobufWriter()
        for (tag, value) in scalars {
            var entry = ProtobufWriter()
            entry.string(field: 1, tag)
            entry.float(field: 2, Float(value))
            summary.message(field: 1, entry)
        }
        var event = ProtobufWriter()
        event.double(field: 1, wallTime)
        event.varint(field: 2, UInt64(bitPattern: Int64(step)))
        event.message(field: 5, summary)
        try writeRecord(event.bytes)
    }

    private func writeRecord(_ payload: [UInt8]) throws {
        var record: [UInt8] = []
        record.reserveCapacity(payload.count + 16)
        let length = withUnsafeBytes(of: UInt64(payload.count).littleEndian) { Array($0) }
        record += length
        appendLittleEndian(CRC32C.masked(CRC32C.checksum(length)), to: &record)
        record += payload
        appendLittleEndian(CRC32C.masked(CRC32C.checksum(payload)), to: &record)
        try handle.write(contentsOf: record)
        try handle.synchronize()
    }

    private func appendLittleEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}

/// The few protocol-buffer wire types an `Event` needs.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(field: Int, _ value: UInt64) {
        appendVarint(UInt64(field << 3 | 0))
        appendVarint(value)
    }

    mutating func double(field: Int, _ value: Double) {
        appendVarint(UInt64(field << 3 | 1))
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }

    mutating func float(field: Int, _ value: Float) {
        appendVarint(UInt64(field << 3 | 5))
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }

    mutating func string(field: Int, _ value: String) {
        lengthDelimited(field: field, Array(value.utf8))
    }

    mutating func message(field: Int, _ value: ProtobufWriter) {
        lengthDelimited(field: field, value.bytes)
    }

    private mutating func lengthDelimited(field: Int, _ payload: [UInt8]) {
        appendVarint(UInt64(field << 3 | 2))
        appendVarint(UInt64(payload.count))
        bytes += payload
    }

    private mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
