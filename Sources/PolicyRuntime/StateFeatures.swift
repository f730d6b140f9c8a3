/// The layout of the fixed-size state vector: [instruction, mean action of the last
/// `historyWindow` steps, mean observation of those steps, last observation, pending action],
/// each an embedding of `dimension` floats (zeros for an absent part), then, with `grounding`,
/// the pending call's `ArgumentGrounding` shares, then, with `rules`, the rules' findings on the
/// pending call (`RuleFindings.pending`), then, with `floor`, the safety floor's
/// (`RuleFindings.floor`). `vector(for:embedding:)` builds it; each offered tool
/// is its embedding, then with `rules` its finding (`toolVector(_:embedding:)`).
public struct StateFeatures: Codable, Equatable, Sendable {
    public let dimension: Int
    public let historyWindow: Int
    public let grounding: Bool
    public let rules: Bool
    public let floor: Bool

    public static let parts = 5
    public var width: Int {
        Self.parts * dimension + (grounding ? ArgumentGrounding.width : 0) + (rules ? RuleFindings.pendingWidth : 0)
            + (floor ? RuleFindings.floorWidth : 0)
    }
    /// The width of one offered tool's vector, the withhold head's per-tool input.
    public var toolWidth: Int { dimension + (rules ? RuleFindings.toolWidth : 0) }

    public init(dimension: Int, historyWindow: Int, grounding: Bool = false, rules: Bool = false, floor: Bool = false) {
        self.dimension = dimension
        self.historyWindow = historyWindow
        self.grounding = grounding
        self.rules = rules
        self.floor = floor
    }

    /// Bundles written before `grounding`, `rules` or `floor` existed have no such key and hold no such part.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dimension = try container.decode(Int.self, forKey: .dimension)
        historyWindow = try container.decode(Int.self, forKey: .historyWindow)
        grounding = try container.decodeIfPresent(Bool.self, forKey: .grounding) ?? false
        rules = try container.decodeIfPresent(Bool.self, forKey: .rules) ?? false
        floor = try container.decodeIfPresent(Bool.self, forKey: .floor) ?? false
    }
}
