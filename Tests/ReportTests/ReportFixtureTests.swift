import Foundation
import RunLog
import XCTest

/// The committed fixture runs must be exactly what `ReportFixtures` writes, so the curves the
/// tests and the screenshot check look at are reproducible. `tools/make-report-fixtures.sh`
/// sets SAFEMCP_WRITE_REPORT_FIXTURES=1 to rewrite them first.
final class ReportFixtureTests: XCTestCase {
    func testCommittedFixturesAreWhatTheGeneratorWrites() throws {
        if ProcessInfo.processInfo.environment["SAFEMCP_WRITE_REPORT_FIXTURES"] == "1" {
            for run in ReportFixtures.runNames {
                try ReportFixtures.write(run: run, to: ReportFixtures.committedDirectory.appendingPathComponent(run))
            }
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("report-fixtures-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: scratch) }
        for run in ReportFixtures.runNames {
            let fresh = scratch.appendingPathComponent(run)
            let committed = ReportFixtures.committedDirectory.appendingPathComponent(run)
            try ReportFixtures.write(run: run, to: fresh)

            let files = try FileManager.default.contentsOfDirectory(atPath: fresh.path).sorted()
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: committed.path).sorted(), files, run)
            for name in ["run.json", "config.yaml", "eval.json"] where files.contains(name) {
                XCTAssertEqual(try String(contentsOf: committed.appendingPathComponent(name), encoding: .utf8),
                               try String(contentsOf: fresh.appendingPathComponent(name), encoding: .utf8), "\(run)/\(name)")
            }
            let want = try MetricsLog.read(fresh.appendingPathComponent("metrics.jsonl"))
            let got = try MetricsLog.read(committed.appendingPathComponent("metrics.jsonl"))
            XCTAssertEqual(got.count, want.count, run)
            for (a, b) in zip(got, want) {
                XCTAssertEqual(a.tag, b.tag)
                XCTAssertEqual(a.step, b.step)
                XCTAssertEqual(a.value, b.value, accuracy: 1e-12)
            }
            let events = files.filter { $0.hasPrefix("events.out.tfevents.") }
            XCTAssertEqual(events.count, 1, run)
        }
    }

    func testFixtureRunsHoldEveryTagWithHundredsOfPoints() throws {
        let run = try MetricsLog.read(ReportFixtures.committedDirectory.appendingPathComponent("run-a/metrics.jsonl"))
        XCTAssertEqual(Set(run.map(\.tag)), Set(ReportFixtures.tags))
        XCTAssertEqual(run.filter { $0.tag == "stage1/loss" }.count, 300)
        XCTAssertEqual(run.filter { $0.tag == "rl/reward_safety" }.count, 250)
    }
}
