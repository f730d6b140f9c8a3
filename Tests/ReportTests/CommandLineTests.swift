import Foundation
import TestSupport
import XCTest

/// `safemcp report` and `safemcp curves` as a user runs them: the built executable, its exit
/// status, stdout (only the result; one JSON object with --json) and stderr.
final class CommandLineTests: XCTestCase {
    private func safemcp(_ arguments: [String]) throws -> SafeMCPExecutable.Result {
        try SafeMCPExecutable.run(arguments)
    }

    private func fixture(_ run: String) -> String {
        ReportFixtures.committedDirectory.appendingPathComponent(run).path
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("report-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testReportWritesThePageAndSaysWhatIsMissing() throws {
        let out = try temporaryDirectory().appendingPathComponent("both.html")
        let result = try safemcp(["report", fixture("run-a"), fixture("run-b"), "--out", out.path, "--smoothing", "0.8", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["output"] as? String, out.path)
        XCTAssertEqual(json["runs"] as? [String], ["run-a", "run-b"])
        XCTAssertEqual(json["tags"] as? [String], ReportFixtures.tags)
        XCTAssertEqual((json["missing_files"] as? [String: [String]])?["run-b"], ["eval.json"])
        XCTAssertTrue(result.stderr.contains("run-b: not written yet: eval.json"), result.stderr)
        let page = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(page.contains("smoothed (EMA 0.8)"))
    }

    func testReportRefusesASmoothingOfOneAndNamesABadMetricsLine() throws {
        let refused = try safemcp(["report", fixture("run-a"), "--smoothing", "1"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--smoothing must be at least 0 and below 1"), refused.stderr)

        let run = try temporaryDirectory().appendingPathComponent("broken")
        try FileManager.default.copyItem(atPath: fixture("run-b"), toPath: run.path)
        let metrics = run.appendingPathComponent("metrics.jsonl")
        var lines = try String(contentsOf: metrics, encoding: .utf8).components(separatedBy: "\n")
        lines[1] = "{not json"
        try lines.joined(separator: "\n").write(to: metrics, atomically: true, encoding: .utf8)
        let failed = try safemcp(["report", run.path])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("\(metrics.path):2: not a metrics point"), failed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("report.html").path))
        XCTAssertEqual(failed.stdout, "")
    }

    func testReportDefaultsToTheFirstRunFolder() throws {
        let run = try temporaryDirectory().appendingPathComponent("run-a")
        try FileManager.default.copyItem(atPath: fixture("run-a"), toPath: run.path)
        let result = try safemcp(["report", run.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, run.appendingPathComponent("report.html").path + "\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("report.html").path))
    }

    func testCurvesPrintsATableOrOneJSONObject() throws {
        let table = try safemcp(["curves", fixture("run-a"), "--width", "12"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[0].hasPrefix("run-a ("), String(lines[0]))
        XCTAssertTrue(lines[1].hasPrefix("tag "), String(lines[1]))
        let kl = try XCTUnwrap(lines.first { $0.hasPrefix("rl/kl ") })
        XCTAssertTrue(kl.contains(" min "), String(kl))
        XCTAssertEqual(kl.split(separator: " ").last?.count, 12)

        let json = try safemcp(["curves", fixture("run-b"), "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["status"] as? String, "running")
        let tags = try XCTUnwrap(object["tags"] as? [[String: Any]])
        XCTAssertEqual(tags.compactMap { $0["tag"] as? String }, ReportFixtures.tags)
        let safety = try XCTUnwrap(tags.first { $0["tag"] as? String == "rl/reward_safety" })
        XCTAssertEqual(safety["points"] as? Int, 140)
        XCTAssertEqual(safety["best"] as? String, "max")
    }

    func testHelpNamesEveryOption() throws {
        let report = try safemcp(["report", "--help"])
        for option in ["--out", "--smoothing", "--json", "debiased"] {
            XCTAssertTrue(report.stdout.contains(option), option)
        }
        let curves = try safemcp(["curves", "--help"])
        for option in ["--width", "--json", "sparkline", "minimum"] {
            XCTAssertTrue(curves.stdout.contains(option), option)
        }
    }
}
