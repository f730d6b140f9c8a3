import DurableFiles
import Foundation

extension HDF5File {
    /// Creates the file at `path` all or nothing (`DurableFile`): `body` fills a temporary file
    /// (`<path>.tmp-<pid>`) in the same folder, which is flushed, closed, synced to disk and
    /// renamed over `path`; then the folder is synced so the rename survives a crash too.
    /// If anything fails, `path` keeps its previous contents and the temporary file is removed.
    public static func createAtomically(_ path: String, _ body: (HDF5File) throws -> Void) throws {
        try createAtomically(path, userBlockBytes: 0, body, beforeRename: { _ in })
    }

    /// `beforeRename` runs on the closed temporary file, before it is synced.
    static func createAtomically(_ path: String, userBlockBytes: Int, _ body: (HDF5File) throws -> Void,
                                 beforeRename: (String) throws -> Void) throws {
        do {
            try DurableFile.replace(path) { temporary in
                let file = try create(temporary, userBlockBytes: userBlockBytes)
                do {
                    try body(file)
                    try file.flush()
                    try file.close()
                } catch {
                    try? file.close()
                    throw error
                }
                try beforeRename(temporary)
            }
        } catch let failure as DurableFile.Failure {
            throw HDF5Error(file: path, object: "/", problem: failure.description)
        }
    }
}
