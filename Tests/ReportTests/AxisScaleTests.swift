import Report
import XCTest

final class AxisScaleTests: XCTestCase {
    func testRewardRangeGetsTenthsAndTwentieths() {
        let scale = AxisScale(dataMin: 0.02, dataMax: 0.93, targetTicks: 5)
        XCTAssertEqual(scale.lower, 0)
        XCTAssertEqual(scale.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(scale.ticks.map(scale.label), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        // 0.25 / 4 = 0.0625 rounds to a step of 0.05.
        let narrow = AxisScale(dataMin: 0.62, dataMax: 0.87, targetTicks: 5)
        XCTAssertEqual(narrow.ticks.map(narrow.label), ["0.60", "0.65", "0.70", "0.75", "0.80", "0.85", "0.90"])
        // 0.33 / 4 = 0.0825 rounds to 0.1.
        let wider = AxisScale(dataMin: 0.61, dataMax: 0.94, targetTicks: 5)
        XCTAssertEqual(wider.ticks.map(wider.label), ["0.6", "0.7", "0.8", "0.9", "1.0"])
    }

    func testStepAxisEndsOnRoundNumbers() {
        let scale = AxisScale(dataMin: 0, dataMax: 299, targetTicks: 6)
        XCTAssertEqual(scale.ticks.map(scale.label), ["0", "50", "100", "150", "200", "250", "300"])
        let long = AxisScale(dataMin: 0, dataMax: 23_456, targetTicks: 6)
        XCTAssertEqual(long.ticks.map(long.label), ["0", "5k", "10k", "15k", "20k", "25k"])
    }

    func testNoFloatingPointNoiseOrNegativeZeroInLabels() {
        let scale = AxisScale(dataMin: -0.3, dataMax: 0.3, targetTicks: 7)
        XCTAssertEqual(scale.ticks.map(scale.label), ["-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"])
        let small = AxisScale(dataMin: 0.0001, dataMax: 0.0009, targetTicks: 5)
        XCTAssertEqual(small.ticks.map(small.label), ["0.0000", "0.0002", "0.0004", "0.0006", "0.0008", "0.0010"])
        let tiny = AxisScale(dataMin: 0, dataMax: 9.5e-7, targetTicks: 5)
        XCTAssertEqual(tiny.ticks.map(tiny.label), ["0", "2e-07", "4e-07", "6e-07", "8e-07", "1e-06"])
    }

    func testFlatSeriesGetsABand() {
        let scale = AxisScale(dataMin: 1.5, dataMax: 1.5, targetTicks: 5)
        XCTAssertLessThan(scale.lower, 1.5)
        XCTAssertGreaterThan(scale.upper, 1.5)
        XCTAssertEqual(scale.fraction(1.5), 0.5, accuracy: 1e-12)
    }
}
