import Report
import RunLog
import XCTest

final class CurveSummaryTests: XCTestCase {
    func testSparklineLevels() {
        XCTAssertEqual(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7], width: 8), "▁▂▃▄▅▆▇█")
        // Buckets of two: means 0.5, 2.5, 4.5, 6.5 → levels 0, 7·2/6 ≈ 2.3, 7·4/6 ≈ 4.7, 7.
        XCTAssertEqual(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7], width: 4), "▁▃▆█")
        XCTAssertEqual(Sparkline.render([2, 2, 2], width: 10), "▄▄▄")
        XCTAssertEqual(Sparkline.render([], width: 10), "")
    }

    func testDirectionsByTagName() {
        XCTAssertEqual(TagDescription("stage1/loss").direction, .lowerIsBetter)
        XCTAssertEqual(TagDescription("rl/kl").direction, .lowerIsBetter)
        XCTAssertEqual(TagDescription("eval/over_blocking").direction, .lowerIsBetter)
        XCTAssertEqual(TagDescription("rl/reward_safety").direction, .higherIsBetter)
        XCTAssertEqual(TagDescription("stage2/val_macro_f1").direction, .higherIsBetter)
        XCTAssertEqual(TagDescription("rl/lambda").direction, .neither)
        XCTAssertEqual(TagDescription("lr/stage1").direction, .neither)
    }

    private func points(_ tag: String, _ values: [Double]) -> [ScalarPoint] {
        values.enumerated().map { ScalarPoint(step: $0.offset * 10, tag: tag, value: $0.element, wallTime: 0) }
    }

    func testBestIsMinimumForLossesMaximumForRewardsNoneForLambda() {
        let loss = CurveSummary(tag: "stage1/loss", points: points("stage1/loss", [2, 1, 0.5, 0.5, 0.7]), sparklineWidth: 8)
        XCTAssertEqual(loss.best, .lowerIsBetter)
        XCTAssertEqual(loss.bestValue, 0.5)
        XCTAssertEqual(loss.bestStep, 20, "the first step reaching the best")
        XCTAssertEqual(loss.last, 0.7)
        XCTAssertEqual(loss.lastStep, 40)
        XCTAssertEqual(loss.points, 5)

        let reward = CurveSummary(tag: "rl/reward_safety", points: points("rl/reward_safety", [0.2, 0.9, 0.6]), sparklineWidth: 8)
        XCTAssertEqual(reward.bestValue, 0.9)
        XCTAssertEqual(reward.bestStep, 10)

        let lambda = CurveSummary(tag: "rl/lambda", points: points("rl/lambda", [1, 2]), sparklineWidth: 8)
        XCTAssertNil(lambda.bestValue)
        XCTAssertNil(lambda.bestStep)
    }

    func testTableOfTheFixtureRun() throws {
        let run = try RunRecord.load(ReportFixtures.committedDirectory.appendingPathComponent("run-a"))
        let summaries = CurveSummary.summaries(of: run, sparklineWidth: 16)
        XCTAssertEqual(summaries.map(\.tag), ReportFixtures.tags)
        let lines = CurveSummary.table(summaries).components(separatedBy: "\n")
        XCTAssertTrue(lines[0].hasPrefix("tag "))
        let lossLine = try XCTUnwrap(lines.first { $0.hasPrefix("stage1/loss ") })
        let loss = try XCTUnwrap(summaries.first { $0.tag == "stage1/loss" })
        XCTAssertTrue(lossLine.contains(" 300 "), lossLine)
        XCTAssertTrue(lossLine.contains("min \(String(format: "%.4g", try XCTUnwrap(loss.bestValue)))"), lossLine)
        XCTAssertEqual(lossLine.suffix(16).count, 16)
        XCTAssertTrue(lossLine.hasSuffix(loss.sparkline))
        XCTAssertEqual(loss.sparkline.first, "█", "the loss starts high")
        // A blank line separates namespaces: stage1, stage2, rl, eval.
        XCTAssertEqual(lines.filter(\.isEmpty).count, 3)
    }
}
