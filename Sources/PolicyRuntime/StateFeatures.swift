import Episodes

/// Builds the fixed-size state vector: [instruction, mean action of the last `historyWindow`
/// steps, mean observation of those steps, last observation, pending action], each an
/// embedding of `dimension` floats (zeros for an absent part), then, with `grounding`, the
/// pending call's `ArgumentGrounding` shares.
public struct StateFeatures: Codable, Equatable, Sendable {
    public let dimension: Int
    public let historyWindow: Int
    public let grounding: Bool

    public static let parts = 5
    public var width: Int { Self.parts * dimension + (grounding ? ArgumentGrounding.width : 0) }

    public init(dimension: Int, historyWindow: Int, grounding: Bool = false) {
        self.dimension = dimension
        self.historyWindow = historyWindow
        self.grounding = grounding
    }

    /// Bundles written before `grounding` existed have no such key and hold no such part.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dimension = try container.decode(Int.self, forKey: .dimension)
        historyWindow = try container.decode(Int.self, forKey: .historyWindow)
        grounding = try container.decodeIfPresent(Bool.self, forKey: .grounding) ?? false
    }

    /// The state before `steps[index]` runs; `index == steps.count` with no pending action is
    /// the state judged by a task label (the task alone, before the first call). `texts` are
    /// the raw texts the grounding shares are computed from (unused without `grounding`).
    public func vector(instruction: [Float], history: ArraySlice<(action: [Float], observation: [Float])>, pendingAction: [Float],
                       texts: GroundingTexts) -> [Float] {
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
        let embeddings = instruction + actionMean + observationMean + lastObservation + pendingAction
        guard grounding else { return embeddings }
        return embeddings + ArgumentGrounding.shares(instruction: texts.instruction, observations: texts.observations.suffix(historyWindow),
                                                     pending: texts.pending)
    }
}

/// The texts behind a state that `ArgumentGrounding` reads: the instruction, the observations
/// of the steps so far (the last `historyWindow` count), and the pending call.
public struct GroundingTexts {
    public var instruction: String
    public var observations: [String]
    public var pending: Action?

    public init(instruction: String, observations: [String], pending: Action?) {
        self.instruction = instruction
        self.observations = observations
        self.pending = pending
    }
}
