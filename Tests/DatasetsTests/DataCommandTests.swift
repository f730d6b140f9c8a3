import TestSupport
import Foundation
import XCTest

/// Drives the real `safemcp data` commands (built next to the test bundle by `swift build`).
final class DataCommandTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var directory: URL { temporary.url }

    override func setUpWithError() throws {
        temporary = try TemporaryFolder(prefix: "data-command")
    }

    override func tearDownWithError() throws {
        try temporary.remove()
    }

    private func safemcp(_ arguments: [String]) throws -> SafeMCPExecutable.Result {
        try SafeMCPExecutable.run(arguments, environment: ["SAFEMCP_CACHE_DIR": directory.appendingPathComponent("cache").path])
    }

    private var fixture: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ImportersTests/Fixtures/safemcp/stage2_sample.jsonl").path
    }

    func testImportPrintsOneJSONSummaryAndInspectCountsTheDataset() throws {
        let out = directory.appendingPathComponent("d.h5").path
        let imported = try safemcp(["data", "import", "--format", "safemcp", fixture, "--out", out, "--encoder", "hashing", "--json"])
        XCTAssertEqual(imported.status, 0)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["episodes"] as? Int, 6)
        let counts = try XCTUnwrap(summary["summary"] as? [String: Any])
        XCTAssertEqual(counts["rows_read"] as? Int, 9)
        XCTAssertEqual(counts["dropped_by_reason"] as? [String: Int], ["empty_safety_tag": 1, "not_json": 1, "no_safety_tag": 1])
        let issues = try XCTUnwrap(counts["issues"] as? [[String: Any]])
        XCTAssertEqual(issues.compactMap { $0["line"] as? Int }, [4, 5, 7])

        let inspected = try safemcp(["data", "inspect", out, "--json"])
        XCTAssertEqual(inspected.status, 0)
        let statistics = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(statistics["encoder"] as? String, "hashing-fnv1a-384")
        XCTAssertEqual(statistics["steps_by_label"] as? [String: Int], ["safe": 2, "unsafe": 2, "critical": 1, "unlabelled": 3])
        XCTAssertEqual(statistics["tasks_by_label"] as? [String: Int], ["critical": 1])
    }

    func testHelpNamesEveryFormatAndTheEncoders() throws {
        let help = try safemcp(["data", "import", "--help"]).stdout
        for word in ["safemcp", "powerseeking", "toolemu", "agentharm", "harmactions", "audit", "--encoder", "minilm", "hashing", "--out", "--json"] {
            XCTAssertTrue(help.contains(word), word)
        }
    }
}
