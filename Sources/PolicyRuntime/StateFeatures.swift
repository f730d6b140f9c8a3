/// The layout of the fixed-size state vector: [instruction, mean action of the last
/// `historyWindow` steps, mean observation of those steps, last observation, pending action],
/// each an embedding of `dimension` floats (zeros for an absent part), then, with `grounding`,
/// the pending call's `ArgumentGrounding` shares. `vector(for:embedding:)` builds it.
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
}
