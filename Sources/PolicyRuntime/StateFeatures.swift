/// Builds the fixed-size state vector: [instruction, mean action of the last `historyWindow`
/// steps, mean observation of those steps, last observation, pending action], each an
/// embedding of `dimension` floats (zeros for an absent part).
public struct StateFeatures: Codable, Equatable, Sendable {
    public let dimension: Int
    public let historyWindow: Int

    public static let parts = 5
    public var width: Int { Self.parts * dimension }

    public init(dimension: Int, historyWindow: Int) {
        self.dimension = dimension
        self.historyWindow = historyWindow
    }

    /// The state before `steps[index]` runs; `index == steps.count` with no pending action is
    /// the state judged by a task label (the task alone, before the first call).
    public func vector(instruction: [Float], history: ArraySlice<(action: [Float], observation: [Float])>, pendingAction: [Float]) -> [Float] {
        var actionMean = [Float](repeating: 0, count: dimension)
        var observationMean = [Float](repeating: 0, count: dimension)
        let recent = history.suffix(historyWindow)
        if !recent.isEmpty {
            let scale = 1 / Float(recent.count)
            for part in recent {
                for j in 0..<dimension {
                    actionMean[j] += part.action[j] * scale
                    observationMean[j] += part.observation[j] * scale
                }
            }
        }
        let lastObservation = history.last?.observation ?? [Float](repeating: 0, count: dimension)
        return instruction + actionMean + observationMean + lastObservation + pendingAction
    }
}
