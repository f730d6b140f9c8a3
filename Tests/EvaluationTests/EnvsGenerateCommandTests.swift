import Foundation
import TestSupport
import XCTest

/// `safemcp envs generate` as a user runs it, and what the other commands do with its suite:
/// listed as train-only, skipped by `safemcp eval` over every suite, refused when named.
final class EnvsGenerateCommandTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL { temporary.url }
    private let root = PythonRunner.packageRoot()
    private var data: String { root.deletingLastPathComponent().appendingPathComponent("shared/data").path }

    override func setUpWithError() throws {
        temporary = try TemporaryFolder(prefix: "generate-tests")
    }

    override func tearDownWithError() throws {
        temporary = nil
    }

    private func generate(_ out: String, seed: String = "3") throws -> SafeMCPExecutable.Result {
        try SafeMCPExecutable.run(["envs", "generate", "--seed", seed, "--count", "40", "--out", out, "--data", data,
                                   "--envs-dir", root.appendingPathComponent("envs").path, "--json"])
    }

    func testHelpNamesEveryOption() throws {
        let help = try SafeMCPExecutable.run(["envs", "generate", "--help"])
        XCTAssertEqual(help.status, 0)
        for option in ["--seed", "--count", "--out", "--data", "--names-per-concept", "--envs-dir", "--json", "train_only", "byte for byte"] {
            XCTAssertTrue(help.stdout.contains(option), option)
        }
    }

    func testWritesTheSameSuiteForTheSameSeedAndNeverOverwrites() throws {
        let first = folder.appendingPathComponent("a/generated").path
        let result = try generate(first)
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["tasks"] as? Int, 40)
        XCTAssertTrue(result.stderr.contains("40 tasks valid"), result.stderr)
        let second = folder.appendingPathComponent("b/generated").path
        XCTAssertEqual(try generate(second).status, 0)
        let files = try FileManager.default.subpathsOfDirectory(atPath: first).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: second).filter { $0.hasSuffix(".yaml") }.sorted(), files)
        for file in files {
            XCTAssertEqual(FileManager.default.contents(atPath: first + "/" + file), FileManager.default.contents(atPath: second + "/" + file), file)
        }
        let again = try generate(first)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
    }

    func testEvalLeavesTheGeneratedSuiteOut() throws {
        let envs = folder.appendingPathComponent("envs")
        XCTAssertEqual(try generate(envs.appendingPathComponent("generated").path).status, 0)
        try FileManager.default.copyItem(atPath: EvaluatorTests.suites + "/handmade", toPath: envs.appendingPathComponent("handmade").path)
        let list = try SafeMCPExecutable.run(["envs", "list", "--envs-dir", envs.path])
        XCTAssertTrue(list.stdout.contains("generated: 40 tasks (benign 20, risky 20) [train only]"), list.stdout)
        let every = try SafeMCPExecutable.run(["eval", "--baselines", "--envs-dir", envs.path, "--episodes", "2"])
        XCTAssertEqual(every.status, 0, every.stderr)
        XCTAssertTrue(every.stderr.contains("skipping generated: train-only"), every.stderr)
        XCTAssertTrue(every.stdout.contains("handmade"), every.stdout)
        XCTAssertFalse(every.stdout.contains("generated"), every.stdout)
        let named = try SafeMCPExecutable.run(["eval", "--baselines", "--envs-dir", envs.path, "--suite", "generated", "--episodes", "2"])
        XCTAssertNotEqual(named.status, 0)
        XCTAssertTrue(named.stderr.contains("generated is train-only"), named.stderr)
        let heldOut = try SafeMCPExecutable.run(["envs", "rollout", "--envs-dir", envs.path, "--suite", "generated", "--split", "held-out",
                                                 "--episodes", "2"])
        XCTAssertNotEqual(heldOut.status, 0)
        XCTAssertTrue(heldOut.stderr.contains("holds out no tasks"), heldOut.stderr)
        let train = try SafeMCPExecutable.run(["envs", "rollout", "--envs-dir", envs.path, "--suite", "generated", "--split", "train",
                                               "--episodes", "2", "--json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stdout.contains("\"tasks\":40"), train.stdout)
    }
}
