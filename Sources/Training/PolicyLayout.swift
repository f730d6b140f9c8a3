import Foundation
import PolicyRuntime
import TextEncoder

/// `runs/<name>/layout.json`: the state layout and network shapes a run trains, written by the
/// job before its first stage from the encoder it actually loaded, and read by `safemcp export`,
/// so a bundle states what its networks were trained on rather than what the config would give
/// if read again with today's code.
public struct PolicyLayout: Codable, Equatable, Sendable {
    public var features: StateFeatures
    public var shapes: PolicyBundle.Shapes

    public init(features: StateFeatures, shapes: PolicyBundle.Shapes) {
        self.features = features
        self.shapes = shapes
    }

    /// The layout `config` trains with an encoder of `dimension` values per text.
    public init(_ config: TrainingConfig, dimension: Int) {
        features = StateFeatures(dimension: dimension, historyWindow: config.features.historyWindow,
                                 grounding: config.features.grounding, rules: config.features.rules, floor: config.features.floor)
        shapes = PolicyBundle.Shapes(worldModelHidden: config.stage2.useWorldModel ? config.stage1.hidden : nil, policyHidden: config.stage2.hidden,
                                     policyToolHidden: config.stage2.toolHidden, actionClassifierHidden: config.baselines.actionClassifier.hidden,
                                     worldModelInput: config.stage2.useWorldModel ? config.stage2.worldModelInput : nil)
    }

    /// The layout of `config` with the encoder it names: MiniLM's width, or the hashing encoder's.
    public init(_ config: TrainingConfig) {
        self.init(config, dimension: config.encoder.kind == .hashing ? config.encoder.hashingDimension : MiniLMWeights.hidden)
    }

    func write(to run: RunDirectory) throws {
        try run.writeJSON(self, to: run.layoutURL)
    }

    static func read(_ run: RunDirectory) throws -> PolicyLayout {
        let path = run.layoutURL.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.unreadable(path, "no layout.json: the run was trained before runs recorded their layout; train it again (safemcp train --run \(run.name))")
        }
        return try run.readJSON(PolicyLayout.self, from: run.layoutURL)
    }
}
