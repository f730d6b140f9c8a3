import Foundation
import TestSupport
import XCTest

/// `safemcp train` and `safemcp action-classifier` run as a user runs them.
final class TrainCommandTests: XCTestCase {
    private func safemcp(_ arguments: [String]) throws -> SafeMCPExecutable.Result {
        try SafeMCPExecutable.run(arguments)
    }

    func testHelpNamesEveryOption() throws {
        let help = try safemcp(["train", "--help"])
        XCTAssertEqual(help.status, 0)
        for option in ["--config", "--stage", "--run", "--runs", "--resume", "--set", "--json", "docs/config.md", "130"] {
            XCTAssertTrue(help.stdout.contains(option), option)
        }
        let classifier = try safemcp(["action-classifier", "--help"])
        for option in ["--folds", "--seed", "--steps", "--ensemble", "--json", "manipulated_prompt"] {
            XCTAssertTrue(classifier.stdout.contains(option), option)
        }
    }

    func testBadConfigFailsNamingFileAndKey() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = folder.url.appendingPathComponent("c.yaml")
        try "stage1:\n  stepz: 3\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try safemcp(["train", "--config", config.path, "--runs", folder.url.appendingPathComponent("runs").path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("\(config.path):2: stage1.stepz: unknown key"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    /// `--json` prints the evaluation as one JSON object and nothing else on stdout.
    func testJSONOutputIsTheEvaluation() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url)
        let result = try safemcp(["train", "--config", config.path, "--runs", folder.url.appendingPathComponent("runs").path,
                                  "--set", "stage1.steps=5", "--set", "stage2.steps=5", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let tables = try XCTUnwrap(object?["tables"] as? [[String: Any]])
        XCTAssertEqual(tables.first?["columns"] as? [String], ["macro_f1", "accuracy", "unsafe_recall", "withheld_f1", "withheld_precision",
                                                              "withheld_recall", "withheld_exact_match"])
        XCTAssertTrue(result.stderr.contains("checkpoint"), result.stderr)
    }
}
