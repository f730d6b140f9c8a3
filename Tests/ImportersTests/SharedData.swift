import Foundation
import XCTest

/// The public data sets in `shared/data` (SOURCES.md): `SAFEMCP_DATA_DIR`, else the first
/// `shared/data` found walking up from the package root.
enum SharedData {
    static func directory(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        if let path = ProcessInfo.processInfo.environment["SAFEMCP_DATA_DIR"] {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/data")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("SOURCES.md").path) { return candidate }
            directory.deleteLastPathComponent()
        }
        XCTFail("shared/data not found above the package: set SAFEMCP_DATA_DIR to the folder holding SOURCES.md", file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }

    static func file(_ path: String) throws -> URL {
        try directory().appendingPathComponent(path)
    }
}
