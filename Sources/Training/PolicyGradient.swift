import Foundation

/// The pieces of the stage-3 policy-gradient step that do not depend on the network: GRPO's
/// group-relative advantages, and the KL penalty to the frozen stage-2 policy with its gradient
/// with respect to the policy's logits.
public enum PolicyGradient {
    /// GRPO advantages: each reward minus its group's mean, divided by the group's (population)
    /// standard deviation plus `epsilon`. A group whose rewards are all equal carries no signal
    /// and gets zeros.
    public static func groupRelativeAdvantages(_ rewards: [Double], epsilon: Double = 1e-6) -> [Double] {
        guard let first = rewards.first else { return [] }
        // Rounding in the mean would otherwise turn equal rewards into tiny nonzero advantages.
        guard rewards.contains(where: { $0 != first }) else { return rewards.map { _ in 0 } }
        let mean = rewards.reduce(0, +) / Double(rewards.count)
        let variance = rewards.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rewards.count)
        let deviation = variance.squareRoot()
        return rewards.map { ($0 - mean) / (deviation + epsilon) }
    }

    /// The per-sample KL estimator `k3 = ρ − log ρ − 1` with `ρ = π_ref(a) / π(a)` for an action
    /// `a` sampled from π (Schulman, 2020): never negative, zero when the two policies agree on
    /// `a`, and unbiased: its expectation under π is `KL(π ‖ π_ref)`.
    public static func klEstimate(logProbability: Double, referenceLogProbability: Double) -> Double {
        let logRatio = referenceLogProbability - logProbability
        return Foundation.exp(logRatio) - logRatio - 1
    }

    /// `KL(p ‖ q) = Σ p·log(p/q)` of two categorical distributions (terms with p = 0 vanish).
    public static func categoricalKL(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count)
        return zip(p, q).reduce(0) { sum, pair in pair.0 == 0 ? sum : sum + pair.0 * Foundation.log(pair.0 / pair.1) }
    }

    /// The gradient, with respect to a softmax policy's logits, of the per-sample loss
    /// `−A·log π(a) + β·k3(a)` for the sampled action `a`. With `g = onehot(a) − π` the gradient
    /// of `log π(a)`, it is `(−A + β·(1 − π_ref(a)/π(a)))·g`.
    public static func sampleLossGradient(probabilities: [Double], referenceProbabilities: [Double], action: Int,
                                          advantage: Double, klWeight: Double) -> [Double] {
        let ratio = referenceProbabilities[action] / probabilities[action]
        let scale = -advantage + klWeight * (1 - ratio)
        return probabilities.indices.map { scale * ((($0 == action) ? 1 : 0) - probabilities[$0]) }
    }

    /// The same gradient for one Bernoulli decision (withhold a tool or not) with logit `z`,
    /// `p = σ(z)` and the reference `q`: `g = taken − p` is the gradient of the sample's
    /// log-probability, and the ratio is that of the taken outcome.
    public static func bernoulliLossGradient(probability: Double, referenceProbability: Double, taken: Bool,
                                             advantage: Double, klWeight: Double) -> Double {
        let ratio = taken ? referenceProbability / probability : (1 - referenceProbability) / (1 - probability)
        return (-advantage + klWeight * (1 - ratio)) * ((taken ? 1 : 0) - probability)
    }
}
