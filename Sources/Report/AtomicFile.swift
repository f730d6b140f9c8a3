import Foundation

/// Writes a file so readers see either the old or the new content, never half of it: a
/// temporary file beside the target is written, flushed to disk, then renamed over it.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw ReportError.cannotWrite(file: url.path, reason: "cannot create a file in \(directory.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            guard rename(temporary.path, url.path) == 0 else {
                throw ReportError.cannotWrite(file: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? ReportError { throw error }
            throw ReportError.cannotWrite(file: url.path, reason: "\(error)")
        }
    }
}
