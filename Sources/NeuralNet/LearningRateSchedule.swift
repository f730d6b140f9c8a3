import Foundation

/// Linear warm-up from peak/(warmup+1) to `peak`, then cosine decay to `floor` at `decaySteps`,
/// and `floor` after that (nanoGPT's `get_lr`).
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    public var peak: Float
    public var floor: Float
    public var warmupSteps: Int
    /// The step at which the decay reaches `floor`; must exceed `warmupSteps`.
    public var decaySteps: Int

    public init(peak: Float, floor: Float, warmupSteps: Int, decaySteps: Int) {
        precondition(decaySteps > warmupSteps, "learning-rate schedule: decaySteps \(decaySteps) must exceed warmupSteps \(warmupSteps)")
        self.peak = peak
        self.floor = floor
        self.warmupSteps = warmupSteps
        self.decaySteps = decaySteps
    }

    /// The rate for 0-based `step`.
    public func rate(atStep step: Int) -> Float {
        if step < warmupSteps {
            return peak * Float(step + 1) / Float(warmupSteps + 1)
        }
        if step >= decaySteps {
            return floor
        }
        let progress = Double(step - warmupSteps) / Double(decaySteps - warmupSteps)
        let coefficient = 0.5 * (1 + cos(Double.pi * progress))
        return floor + Float(coefficient) * (peak - floor)
    }
}
