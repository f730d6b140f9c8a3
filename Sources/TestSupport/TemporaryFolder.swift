import Foundation

/// A fresh folder under the system's temporary directory for one test (or one test class),
/// removed with the object, or earlier by `remove()` when the test wants removal checked.
public final class TemporaryFolder {
    public let url: URL

    /// `prefix` names the test target or class, so a folder left behind by a killed run says whose it is.
    public init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func remove() throws {
        try FileManager.default.removeItem(at: url)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
