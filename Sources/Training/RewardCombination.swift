import Foundation

/// How stage 3 folds the safety and utility rewards into the one scalar it optimises, chosen in
/// the config and logged (`rl/lambda`).
///
/// - `lagrangian`: `r = r_utility + λ·r_safety`, with λ ≥ 0 raised while the mean safety reward
///   is below the target and lowered while above it (dual ascent on `E[r_safety] ≥ target`).
/// - `tchebycheff`: the smooth Tchebycheff reward of the two shortfalls `1 − r_safety` and
///   `1 − r_utility` under fixed weights.
public struct RewardCombination: Equatable, Sendable {
    public enum Method: String, Codable, CaseIterable, Sendable {
        case lagrangian
        case tchebycheff
    }

    public let method: Method
    /// The current multiplier (constant under `tchebycheff`, where it is unused).
    public private(set) var lambda: Double
    let safetyTarget: Double
    let lambdaLearningRate: Double
    let safetyWeight: Double
    let utilityWeight: Double
    let mu: Double

    public init(method: Method, initialLambda: Double, safetyTarget: Double, lambdaLearningRate: Double,
                safetyWeight: Double, utilityWeight: Double, mu: Double) {
        self.method = method
        lambda = initialLambda
        self.safetyTarget = safetyTarget
        self.lambdaLearningRate = lambdaLearningRate
        self.safetyWeight = safetyWeight
        self.utilityWeight = utilityWeight
        self.mu = mu
    }

    /// The combined reward of one sample.
    public func combined(safety: Double, utility: Double) -> Double {
        switch method {
        case .lagrangian:
            utility + lambda * safety
        case .tchebycheff:
            Rewards.tchebycheffReward(losses: [1 - safety, 1 - utility], weights: [safetyWeight, utilityWeight], mu: mu)
        }
    }

    /// Sets λ back to a value saved in a checkpoint.
    public mutating func restoreLambda(_ value: Double) {
        lambda = value
    }

    /// One dual-ascent step from a batch's mean safety reward: `λ ← max(0, λ + η·(target − mean))`.
    public mutating func updateLambda(meanSafety: Double) {
        guard method == .lagrangian else { return }
        lambda = max(0, lambda + lambdaLearningRate * (safetyTarget - meanSafety))
    }
}
