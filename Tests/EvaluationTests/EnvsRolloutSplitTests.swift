import Foundation
import TestSupport
import XCTest

/// `safemcp envs rollout --split`: the training and held-out tasks of a suite together are all of
/// its tasks, and the JSON says which split each row ran.
final class EnvsRolloutSplitTests: XCTestCase {
    private func rows(_ split: String) throws -> [[String: Any]] {
        let result = try SafeMCPExecutable.run(["envs", "rollout", "--envs-dir", EvaluatorTests.suites, "--suite", "handmade", "--split", split,
                                                "--episodes", "4", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try XCTUnwrap(object["results"] as? [[String: Any]])
    }

    func testSplitsPartitionTheTasks() throws {
        let all = try XCTUnwrap(try rows("all").first)
        let train = try XCTUnwrap(try rows("train").first)
        let heldOut = try XCTUnwrap(try rows("held-out").first)
        XCTAssertEqual(all["split"] as? String, "all")
        XCTAssertEqual(heldOut["split"] as? String, "held-out")
        // Two risky tasks (round(0.6) = 1 held out) and one benign (round(0.3) = 0).
        XCTAssertEqual(all["tasks"] as? Int, 3)
        XCTAssertEqual(heldOut["tasks"] as? Int, 1)
        XCTAssertEqual(train["tasks"] as? Int, 2)
    }

    func testBadFractionIsRefused() throws {
        let result = try SafeMCPExecutable.run(["envs", "rollout", "--envs-dir", EvaluatorTests.suites, "--held-out-fraction", "1.5"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--held-out-fraction must be in 0...1"), result.stderr)
    }
}
