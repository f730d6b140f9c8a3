import Checksums
import Foundation

/// A header in the checkpoint file's HDF5 user block (the first `blockBytes`, which HDF5 and
/// h5py skip) recording the file's length and a CRC-32C of every byte after the block.
/// `Checkpoint.load` checks it before HDF5 parses anything: HDF5 1.10 can crash, not just fail,
/// on a damaged file, and a trainer falling back to an older checkpoint must survive a damaged
/// newer one.
///
/// Header (little-endian): magic (16 bytes), file length (UInt64), CRC-32C of bytes
/// `blockBytes..<length` (UInt32), CRC-32C of the 28 header bytes before it (UInt32).
enum CheckpointSeal {
    static let blockBytes = 512
    static let magic = Array("SAFEMCP-CHECKPT\n".utf8)
    private static let headerBytes = 32

    /// Writes the header into a closed HDF5 file created with a `blockBytes` user block.
    static func seal(_ path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let length = try handle.seekToEnd()
        try handle.seek(toOffset: UInt64(blockBytes))
        let body = try checksumToEnd(handle)
        var header = magic
        withUnsafeBytes(of: length.littleEndian) { header += $0 }
        withUnsafeBytes(of: body.littleEndian) { header += $0 }
        withUnsafeBytes(of: CRC32C.checksum(header).littleEndian) { header += $0 }
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: header)
    }

    /// Throws unless the file is as long as when it was sealed and its bytes are unchanged.
    static func verify(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CheckpointError(file: path, kind: .unreadable, problem: "cannot open: no such file")
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw CheckpointError(file: path, kind: .unreadable, problem: "cannot open: \(error)")
        }
        defer { try? handle.close() }
        do {
            let header = Array(try handle.read(upToCount: headerBytes) ?? Data())
            guard header.count == headerBytes, Array(header[..<magic.count]) == magic else {
                throw CheckpointError(file: path, kind: .notACheckpoint,
                                      problem: "not a SafeMCP checkpoint (no checkpoint header at the start)")
            }
            let storedLength = header.readLittleEndian(UInt64.self, at: 16)
            let storedBody = header.readLittleEndian(UInt32.self, at: 24)
            guard header.readLittleEndian(UInt32.self, at: 28) == CRC32C.checksum(header[..<28]) else {
                throw CheckpointError(file: path, kind: .checksumMismatch,
                                      problem: "checksum mismatch in the checkpoint header: the file is damaged")
            }
            let length = try handle.seekToEnd()
            guard length >= storedLength else {
                throw CheckpointError(file: path, kind: .truncated,
                                      problem: "truncated: \(length) of \(storedLength) bytes (torn write)")
            }
            guard length == storedLength else {
                throw CheckpointError(file: path, kind: .checksumMismatch,
                                      problem: "\(length) bytes, but \(storedLength) were saved: the file changed after it was saved")
            }
            try handle.seek(toOffset: UInt64(blockBytes))
            let body = try checksumToEnd(handle)
            guard body == storedBody else {
                throw CheckpointError(file: path, kind: .checksumMismatch,
                                      problem: "checksum mismatch over the file's bytes (stored \(storedBody), "
                                          + "file gives \(body)): the file changed after it was saved")
            }
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError(file: path, kind: .unreadable, problem: "cannot read: \(error)")
        }
    }

    private static func checksumToEnd(_ handle: FileHandle) throws -> UInt32 {
        var crc: UInt32 = 0
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            crc = block.withUnsafeBytes { CRC32C.update(crc, $0) }
        }
        return crc
    }
}

private extension Array where Element == UInt8 {
    func readLittleEndian<Value: FixedWidthInteger>(_: Value.Type, at offset: Int) -> Value {
        self[offset..<offset + MemoryLayout<Value>.size].reversed().reduce(0) { $0 << 8 | Value($1) }
    }
}
