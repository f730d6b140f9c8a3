/// The policies a bundle can hold: the final one, and the baselines the run trained beside it so
/// `safemcp eval --baselines` compares them on the same footing.
public enum PolicyVariant: String, CaseIterable, Codable, Sendable {
    /// Stages 1 + 2 + 3 (1 + 2 when stage 3 did not run): what the proxy serves.
    case full
    /// The stage-2 policy before reinforcement learning.
    case stage2
    /// The ablation: a stage-2 policy trained without the world model's prediction.
    case stage2WithoutWorldModel = "stage2_without_world_model"
    /// Agent Action Guard's baseline: an MLP on the pending action's embedding alone.
    case actionClassifier = "action_classifier"

    /// How tables name it.
    public var title: String {
        switch self {
        case .full: return "full (stages 1-3)"
        case .stage2: return "stage 2 only"
        case .stage2WithoutWorldModel: return "stage 2 without world model"
        case .actionClassifier: return "action classifier only"
        }
    }
}
