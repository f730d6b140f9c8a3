import Foundation

/// Adam with decoupled weight decay (Loshchilov & Hutter), in PyTorch's order: first
/// θ ← θ·(1 − lr·λ), then θ ← θ − lr·m̂/(√v̂ + ε) with bias-corrected moments
/// m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). With λ = 0 it is Adam.
public final class AdamW {
    public struct Configuration: Codable, Sendable, Equatable {
        public var beta1: Float
        public var beta2: Float
        public var epsilon: Float
        public var weightDecay: Float

        public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    public let parameters: [Parameter]
    public let configuration: Configuration
    /// Updates done so far; the next update is step `step + 1`.
    public private(set) var step = 0
    private var firstMoments: [[Float]]
    private var secondMoments: [[Float]]

    public init(parameters: [Parameter], configuration: Configuration = Configuration()) {
        let names = parameters.map(\.name)
        precondition(Set(names).count == names.count, "AdamW: parameter names are not unique: \(names)")
        self.parameters = parameters
        self.configuration = configuration
        firstMoments = parameters.map { Array(repeating: 0, count: $0.value.count) }
        secondMoments = firstMoments
    }

    /// One update of every parameter from its current gradient times `gradientScale` (gradients
    /// are left as they are). Passing `gradientClipScale(parameters, maxNorm:)` gives exactly the
    /// values of scaling the gradients first and updating with scale 1.
    public func update(learningRate: Float, gradientScale: Float = 1) {
        step += 1
        let c = configuration
        let constants = StepConstants(
            decay: 1 - learningRate * c.weightDecay,
            stepSize: learningRate / (1 - Float(pow(Double(c.beta1), Double(step)))),
            inverseRootCorrection2: 1 / (1 - Float(pow(Double(c.beta2), Double(step)))).squareRoot(),
            gradientScale: gradientScale)
        for (index, parameter) in parameters.enumerated() {
            let count = parameter.value.count
            precondition(parameter.gradient.count == count,
                         "AdamW: \(parameter.name) has \(count) values but \(parameter.gradient.count) gradient values")
            parameter.gradient.storage.withUnsafeBufferPointer { gBuffer in
                parameter.value.storage.withUnsafeMutableBufferPointer { thetaBuffer in
                    firstMoments[index].withUnsafeMutableBufferPointer { mBuffer in
                        secondMoments[index].withUnsafeMutableBufferPointer { vBuffer in
                            guard count > 0 else { return }
                            let (g, theta, m, v) = (gBuffer.baseAddress!, thetaBuffer.baseAddress!, mBuffer.baseAddress!, vBuffer.baseAddress!)
                            ElementThreads.forEachRange(count: count) { _, range in
                                Self.update(range, theta: theta, g: g, m: m, v: v, configuration: c, constants: constants)
                            }
                        }
                    }
                }
            }
        }
    }

    struct StepConstants {
        let decay: Float
        let stepSize: Float
        let inverseRootCorrection2: Float
        let gradientScale: Float
    }

    /// Updates the values in `range`, eight at a time and then the tail.
    static func update(_ range: Range<Int>, theta: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
                       m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, configuration c: Configuration,
                       constants k: StepConstants) {
        let lanes = FloatVector.scalarCount
        var i = range.lowerBound
        while i + lanes <= range.upperBound {
            let updated = step(theta: theta.vector(at: i), gradient: g.vector(at: i) * k.gradientScale,
                               m: m.vector(at: i), v: v.vector(at: i), configuration: c,
                               decay: k.decay, stepSize: k.stepSize, inverseRootCorrection2: k.inverseRootCorrection2)
            theta.setVector(updated.theta, at: i)
            m.setVector(updated.m, at: i)
            v.setVector(updated.v, at: i)
            i += lanes
        }
        if i < range.upperBound {
            let remaining = range.upperBound - i
            let updated = step(theta: UnsafePointer(theta).partialVector(at: i, count: remaining),
                               gradient: g.partialVector(at: i, count: remaining) * k.gradientScale,
                               m: UnsafePointer(m).partialVector(at: i, count: remaining),
                               v: UnsafePointer(v).partialVector(at: i, count: remaining), configuration: c,
                               decay: k.decay, stepSize: k.stepSize, inverseRootCorrection2: k.inverseRootCorrection2)
            theta.setPartialVector(updated.theta, at: i, count: remaining)
            m.setPartialVector(updated.m, at: i, count: remaining)
            v.setPartialVector(updated.v, at: i, count: remaining)
        }
    }

    /// The update of `FloatVector.scalarCount` parameters at once.
    ///
    /// Moments under 1e-30 in magnitude are flushed to zero: their share of the update is at
    /// most lr·1e-30/((1−β₁)·ε) ≈ 1e-21·lr, while letting them decay into subnormal floats makes
    /// every later step on those parameters many times slower.
    @inline(__always)
    static func step(theta: FloatVector, gradient g: FloatVector, m: FloatVector, v: FloatVector, configuration c: Configuration,
                     decay: Float, stepSize: Float, inverseRootCorrection2: Float) -> (theta: FloatVector, m: FloatVector, v: FloatVector) {
        let tiny = FloatVector(repeating: 1e-30)
        var newM = c.beta1 * m + (1 - c.beta1) * g
        var newV = c.beta2 * v + (1 - c.beta2) * g * g
        newM.replace(with: 0, where: (newM .< tiny) .& (newM .> -tiny))
        newV.replace(with: 0, where: newV .< tiny)
        let denominator = squareRoot(newV) * inverseRootCorrection2 + c.epsilon
        return (theta * decay - stepSize * newM / denominator, newM, newV)
    }

    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// The optimiser state as named arrays for a checkpoint: "<parameter>.exp_avg",
    /// "<parameter>.exp_avg_sq" (PyTorch's names) and "step" (exact below 2²⁴ steps).
    public func exportState() -> [String: [Float]] {
        var state: [String: [Float]] = ["step": [Float(step)]]
        for (index, parameter) in parameters.enumerated() {
            state["\(parameter.name).exp_avg"] = firstMoments[index]
            state["\(parameter.name).exp_avg_sq"] = secondMoments[index]
        }
        return state
    }

    public enum StateError: Error, CustomStringConvertible {
        case missing(String)
        case wrongCount(name: String, expected: Int, found: Int)
        case invalidStep([Float])

        public var description: String {
            switch self {
            case .missing(let name): return "optimizer state has no array \"\(name)\""
            case .wrongCount(let name, let expected, let found):
                return "optimizer state \"\(name)\" has \(found) values, the parameter has \(expected)"
            case .invalidStep(let values): return "optimizer state \"step\" is \(values), expected one whole number ≥ 0"
            }
        }
    }

    /// Restores a state from `exportState()`; nothing changes if any array is missing or wrong.
    public func importState(_ state: [String: [Float]]) throws {
        guard let stepValues = state["step"] else { throw StateError.missing("step") }
        guard stepValues.count == 1, let restoredStep = Int(exactly: stepValues[0]), restoredStep >= 0 else {
            throw StateError.invalidStep(stepValues)
        }
        func array(_ name: String, count: Int) throws -> [Float] {
            guard let values = state[name] else { throw StateError.missing(name) }
            guard values.count == count else { throw StateError.wrongCount(name: name, expected: count, found: values.count) }
            return values
        }
        let first = try parameters.map { try array("\($0.name).exp_avg", count: $0.value.count) }
        let second = try parameters.map { try array("\($0.name).exp_avg_sq", count: $0.value.count) }
        step = restoredStep
        firstMoments = first
        secondMoments = second
    }
}
