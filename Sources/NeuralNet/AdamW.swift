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

    /// One update of every parameter from its current gradient (gradients are left as they are).
    public func update(learningRate: Float) {
        step += 1
        let c = configuration
        let decay = 1 - learningRate * c.weightDecay
        let stepSize = learningRate / (1 - Float(Double(c.beta1).power(step)))
        let inverseRootCorrection2 = 1 / (1 - Float(Double(c.beta2).power(step))).squareRoot()
        let oneMinusBeta1 = 1 - c.beta1
        let oneMinusBeta2 = 1 - c.beta2
        for (index, parameter) in parameters.enumerated() {
            let count = parameter.value.count
            parameter.gradient.storage.withUnsafeBufferPointer { g in
                parameter.value.storage.withUnsafeMutableBufferPointer { theta in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            for i in 0..<count {
                                let gi = g[i]
                                let mi = c.beta1 * m[i] + oneMinusBeta1 * gi
                                let vi = c.beta2 * v[i] + oneMinusBeta2 * gi * gi
                                m[i] = mi
                                v[i] = vi
                                let denominator = vi.squareRoot() * inverseRootCorrection2 + c.epsilon
                                theta[i] = theta[i] * decay - stepSize * mi / denominator
                            }
                        }
                    }
                }
            }
        }
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

extension Double {
    func power(_ exponent: Int) -> Double {
        Foundation.pow(self, Double(exponent))
    }
}
