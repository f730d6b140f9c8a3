import NeuralNet
import XCTest

/// Central finite differences of a scalar objective, evaluated in Double from the Float
/// forward pass, compared with an analytic gradient.
///
/// Each derivative is the Richardson extrapolation (4·D(h/2) − D(h))/3 of central differences
/// D(h) with h = 2e-2, which cancels the O(h²) truncation term; what remains is O(h⁴) ≈ 1e-7
/// and the Float32 rounding of the forward values: ≈ 6e-8 relative per output, a few dozen
/// outputs, divided by 2h·3/4 ≈ 1.5e-2 → about 1e-5 of the gradient's scale.
///
/// The bound is on the worst element relative to the gradient's scale:
/// max_i |analytic_i − numeric_i| / max_i |numeric_i| ≤ 1e-3, two orders above that noise,
/// while a wrong term in a backward pass gives errors near 1.
enum GradientCheck {
    static let step: Float = 2e-2
    static let bound = 1e-3

    /// Numerical gradient of `objective` with respect to `tensor.value`, perturbing one element at
    /// a time (inputs are wrapped in a `Parameter` too, so the objective can read them).
    static func numericGradient(of tensor: Parameter, objective: () -> Double) -> [Double] {
        func centralDifference(at i: Int, step: Float) -> Double {
            let original = tensor.value.storage[i]
            tensor.value.storage[i] = original + step
            let plus = objective()
            tensor.value.storage[i] = original - step
            let minus = objective()
            tensor.value.storage[i] = original
            // The perturbation actually applied, after Float rounding.
            return (plus - minus) / (Double(original + step) - Double(original - step))
        }
        return tensor.value.storage.indices.map { i in
            (4 * centralDifference(at: i, step: step / 2) - centralDifference(at: i, step: step)) / 3
        }
    }

    static func assertClose(_ analytic: [Float], _ numeric: [Double], _ label: String,
                            bound: Double = bound, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(analytic.count, numeric.count, "\(label): gradient sizes differ", file: file, line: line)
        let scale = numeric.map(abs).max() ?? 0
        XCTAssertGreaterThan(scale, 1e-4, "\(label): numerical gradient is ~0, the check would prove nothing", file: file, line: line)
        let worst = zip(analytic, numeric).map { abs(Double($0) - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, bound, "\(label): relative gradient error \(worst / scale) > \(bound)", file: file, line: line)
    }

    /// Σ weights ⊙ output, in Double: a scalar objective whose gradient with respect to the
    /// output is `weights`.
    static func weightedSum(_ output: Matrix, _ weights: Matrix) -> Double {
        zip(output.storage, weights.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
}
