import Report
import XCTest

/// Reference values worked by hand from TensorBoard's formula: s_n = a_n / (1 - w^n) with
/// a_n = w a_{n-1} + (1 - w) x_n, a_0 = 0.
final class SmoothingTests: XCTestCase {
    func testMatchesHandWorkedDebiasedAverage() {
        // w = 0.6: a = 0.4, 1.04, 1.824; debias 0.4, 0.64, 0.784.
        let smoothed = Smoothing.debiasedEMA([1, 2, 3], weight: 0.6)
        XCTAssertEqual(smoothed[0], 1, accuracy: 1e-12)
        XCTAssertEqual(smoothed[1], 1.625, accuracy: 1e-12)
        XCTAssertEqual(smoothed[2], 1.824 / 0.784, accuracy: 1e-12)
    }

    func testNonFiniteValuesPassThroughAndDoNotEnterTheAverage() {
        // w = 0.5: a = 0.5 (n=1), skip NaN, a = 0.25 + 1.5 = 1.75 (n=2), debias 0.75.
        let smoothed = Smoothing.debiasedEMA([1, .nan, 3], weight: 0.5)
        XCTAssertEqual(smoothed[0], 1, accuracy: 1e-12)
        XCTAssertTrue(smoothed[1].isNaN)
        XCTAssertEqual(smoothed[2], 1.75 / 0.75, accuracy: 1e-12)
    }

    func testWeightZeroAndConstantSeriesAreUnchanged() {
        XCTAssertEqual(Smoothing.debiasedEMA([3, 1, 4, 1, 5], weight: 0), [3, 1, 4, 1, 5])
        XCTAssertEqual(Smoothing.debiasedEMA([0.7, 0.7, 0.7], weight: 0.9), [0.7, 0.7, 0.7])
        XCTAssertEqual(Smoothing.debiasedEMA([], weight: 0.6), [])
    }
}
