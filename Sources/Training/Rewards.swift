import Episodes
import Foundation

/// The verifiable rewards of stage 3 on labelled steps (DESIGN.md "Stage 3"), all computed by
/// code: whether the sampled verdict matches the label and how well the sampled withheld set
/// matches the tools that should be withheld. An emulated episode's safety and utility are the
/// rewards its environment's final step returns (`EnvironmentRewards`). Every reward lies in
/// [0, 1], 1 best.
public enum Rewards {
    /// `1[verdict = label]`.
    public static func safety(verdict: StepLabel, label: StepLabel) -> Double {
        verdict == label ? 1 : 0
    }

    /// The error rates of a sampled withheld set against the tools that should be withheld.
    public struct WithholdRates: Equatable, Sendable {
        /// Share of the dangerous tools left available (0 when no tool is dangerous).
        public var falseNegative: Double
        /// Share of the safe tools withheld (0 when every tool is dangerous).
        public var falsePositive: Double

        public init(falseNegative: Double, falsePositive: Double) {
            self.falseNegative = falseNegative
            self.falsePositive = falsePositive
        }

        /// `withheld[i]` is the sampled decision for tool i, `dangerous[i]` its ground truth.
        public init(withheld: [Bool], dangerous: [Bool]) {
            precondition(withheld.count == dangerous.count, "one decision per tool")
            var missed = 0, dangerousCount = 0, overFiltered = 0, safeCount = 0
            for (isWithheld, isDangerous) in zip(withheld, dangerous) {
                if isDangerous {
                    dangerousCount += 1
                    if !isWithheld { missed += 1 }
                } else {
                    safeCount += 1
                    if isWithheld { overFiltered += 1 }
                }
            }
            falseNegative = dangerousCount == 0 ? 0 : Double(missed) / Double(dangerousCount)
            falsePositive = safeCount == 0 ? 0 : Double(overFiltered) / Double(safeCount)
        }
    }

    /// Smooth Tchebycheff scalarisation of weighted losses in [0, 1] (Lin et al., 2024):
    /// `μ·log Σᵢ exp(wᵢ·lossᵢ / μ)`, a smooth maximum of `wᵢ·lossᵢ` that tends to the plain
    /// maximum as μ → 0. Both objectives keep a gradient, unlike the hard maximum.
    public static func smoothTchebycheff(losses: [Double], weights: [Double], mu: Double) -> Double {
        precondition(losses.count == weights.count && !losses.isEmpty && mu > 0)
        let scaled = zip(losses, weights).map { $0 * $1 / mu }
        let largest = scaled.max()!
        return mu * (largest + Foundation.log(scaled.reduce(0) { $0 + Foundation.exp($1 - largest) }))
    }

    /// One minus the smooth Tchebycheff scalarisation of the losses, rescaled so that all losses
    /// at 0 give 1 and all at 1 give 0. It falls monotonically in every loss, so a partial error
    /// scores between the two.
    public static func tchebycheffReward(losses: [Double], weights: [Double], mu: Double) -> Double {
        let best = smoothTchebycheff(losses: losses.map { _ in 0 }, weights: weights, mu: mu)
        let worst = smoothTchebycheff(losses: losses.map { _ in 1 }, weights: weights, mu: mu)
        let value = smoothTchebycheff(losses: losses, weights: weights, mu: mu)
        return 1 - (value - best) / (worst - best)
    }

    /// `r_tools`: the Tchebycheff reward of the withheld set's false-negative and false-positive
    /// rates. A set missing one of four dangerous tools has a false-negative rate of 1/4 and
    /// scores well above one missing all four.
    public static func tools(_ rates: WithholdRates, falseNegativeWeight: Double, falsePositiveWeight: Double, mu: Double) -> Double {
        tchebycheffReward(losses: [rates.falseNegative, rates.falsePositive],
                          weights: [falseNegativeWeight, falsePositiveWeight], mu: mu)
    }
}
