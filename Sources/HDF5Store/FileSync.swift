import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX steps that make a replaced file survive a crash: data on disk before the
/// rename, and the rename itself on disk after.
enum FileSync {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func syncFile(at path: String) throws {
        try sync(path, flags: O_RDONLY)
    }

    static func syncDirectory(at path: String) throws {
        try sync(path, flags: O_RDONLY | O_DIRECTORY)
    }

    /// Atomically replaces `destination` with `source` (same file system).
    static func move(_ source: String, over destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw Failure(description: "cannot rename \(source) to \(destination): \(String(cString: strerror(errno)))")
        }
    }

    private static func sync(_ path: String, flags: Int32) throws {
        let descriptor = open(path, flags)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot open \(path) to sync it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw Failure(description: "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}
