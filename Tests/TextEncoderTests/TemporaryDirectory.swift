import Foundation
import TestSupport
import XCTest

/// A fresh directory per test, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
    let folder = try TemporaryFolder(prefix: "TextEncoderTests")
    test.addTeardownBlock { try? folder.remove() }
    return folder.url
}
