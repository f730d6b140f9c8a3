import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way this project replaces a file or a folder so that a crash leaves either the old
/// one or the new one, never half: the new content is written under `temporaryPath(for:)`
/// beside the destination, synced to disk, renamed over the destination, and the folder holding
/// it synced, so the rename itself survives a power cut too. Checkpoints, bundles, datasets,
/// embedding caches, run facts, reports and suites all go through it.
public enum DurableFile {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        public var description: String { "\(path): \(reason)" }
    }

    /// Where the replacement of `path` is written: `<path>.tmp-<pid>`, which
    /// `CheckpointDirectory` recognises and removes once its process is gone.
    public static func temporaryPath(for path: String) -> String {
        "\(path).tmp-\(getpid())"
    }

    /// Writes `data` as the new content of `url`.
    public static func write(_ data: Data, to url: URL) throws {
        try replace(url.path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw Failure(path: temporary, reason: "cannot create the file: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Lets `body` write the new file or folder at the temporary path it is given, then puts it
    /// in place of `destination`. When anything fails, `destination` keeps what it held and the
    /// temporary is removed.
    public static func replace(_ destination: String, _ body: (_ temporary: String) throws -> Void) throws {
        let temporary = temporaryPath(for: destination)
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try body(temporary)
            try commit(temporary, over: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Syncs `temporary` (a file, or a folder and everything in it), renames it over
    /// `destination` (same file system; a folder only where no folder is yet), and syncs the
    /// folder that holds it.
    public static func commit(_ temporary: String, over destination: String) throws {
        try syncTree(temporary)
        guard rename(temporary, destination) == 0 else {
            throw Failure(path: destination, reason: "cannot rename \(temporary) over it: \(String(cString: strerror(errno)))")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        try sync(folder.isEmpty ? "." : folder, directory: true)
    }

    private static func syncTree(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(path: path, reason: "was not written")
        }
        if isDirectory.boolValue {
            for name in try FileManager.default.contentsOfDirectory(atPath: path) {
                try syncTree((path as NSString).appendingPathComponent(name))
            }
        }
        try sync(path, directory: isDirectory.boolValue)
    }

    private static func sync(_ path: String, directory: Bool) throws {
        let descriptor = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY)
        guard descriptor >= 0 else {
            throw Failure(path: path, reason: "cannot open it to sync: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw Failure(path: path, reason: "cannot sync it: \(String(cString: strerror(errno)))")
        }
    }
}
