@testable import Report
import RunLog
import XCTest

final class CurveChartTests: XCTestCase {
    func testEnvelopeKeepsSpikesAndEndsWithAtMostFourPointsAColumn() {
        // 10 000 points over 10 pixels (20 half-pixel columns), a spike at index 4321.
        var vertices = (0..<10_000).map { CurveChart.Vertex(x: Double($0) / 1000, y: 100 + sin(Double($0)) ) }
        vertices[4321].y = 5
        let kept = CurveChart.envelope(vertices)
        XCTAssertLessThanOrEqual(kept.count, 4 * 20)
        XCTAssertEqual(kept.first, vertices.first)
        XCTAssertEqual(kept.last, vertices.last)
        XCTAssertTrue(kept.contains(vertices[4321]))
        XCTAssertEqual(kept.map(\.y).max()!, vertices.map(\.y).max()!)
        XCTAssertEqual(kept.map(\.x), kept.map(\.x).sorted(), "points stay in step order")
    }

    func testLongRunsAreThinnedShortOnesAreNot() {
        func chart(points count: Int) -> String {
            let points = (0..<count).map { ScalarPoint(step: $0, tag: "stage1/loss", value: 1 / Double($0 + 1) + Double($0 % 7) / 100, wallTime: 0) }
            let curve = CurveChart.Curve(runIndex: 0, runName: "long", points: points)
            return CurveChart(tag: TagDescription("stage1/loss"), curves: [curve], smoothing: 0.6).render()
        }
        func commandCounts(_ svg: String) -> [Int] {
            svg.components(separatedBy: " d=\"").dropFirst().map { $0.prefix { $0 != "\"" }.filter { $0 == "M" || $0 == "L" }.count }
        }
        XCTAssertEqual(commandCounts(chart(points: 1500)), [1500, 1500])
        let long = commandCounts(chart(points: 100_000))
        XCTAssertEqual(long.count, 2)
        // 472 plot pixels, two columns a pixel, at most four points a column.
        XCTAssertTrue(long.allSatisfy { $0 > 900 && $0 <= 4 * 2 * 473 }, "\(long)")
    }
}
