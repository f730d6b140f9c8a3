import Environments
import Foundation
import XCTest

/// Paths of the test fixtures, found from this file so tests run from any directory.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let suites = root + "/suites"
    static let publicData = root + "/public"
    /// The project's shared public data (`/work/shared/data` beside the checkout's parent).
    static let sharedData: String = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates: [String?] = [ProcessInfo.processInfo.environment["SAFEMCP_SHARED_DATA"],
                          packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path,
                          packageRoot.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/SOURCES.md") } ?? "/work/shared/data"
    }()

    static func mini() throws -> CompiledSuite {
        try CompiledSuite(SuiteLoader.load(directory: suites + "/mini"))
    }
}
