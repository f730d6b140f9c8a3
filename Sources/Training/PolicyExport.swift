import Foundation
import HDF5Store
import PolicyRuntime
import TextEncoder

/// `safemcp export`: a policy bundle from a run's finished checkpoints — the world model of
/// stage 1, the stage-2 policy, the stage-3 policy (the full one; stage 2's when stage 3 did not
/// run) and the baselines the run trained (action classifier, stage 2 without the world model).
public enum PolicyExport {
    /// The checkpoint subfolder where a job keeps the baselines it trained.
    static let baselinesStage = "baselines"

    /// `stage3Step` picks a stage-3 checkpoint (any saved step); nil: the newest finished one.
    /// With `requestScreen`, the bundle's request screen is fitted on the run's training sources
    /// (`RequestScreenFit`), which must still be where its config names them.
    public static func bundle(run: RunDirectory, stage3Step: Int? = nil, thresholds: PolicyThresholds = PolicyThresholds(),
                              encoderDirectory: String? = nil, requestScreen: RequestScreenFit.Options? = nil,
                              log: (String) -> Void) throws -> PolicyBundle {
        guard run.exists else { throw TrainingError.unreadable(run.url.path, "no run here (run.json missing)") }
        let stage2 = try finished("stage2", in: run)
        let config = try decodeConfig(stage2)
        let layout = try PolicyLayout.read(run)
        var tensors: [String: Checkpoint.Tensor] = [:]
        func take(_ checkpoint: Checkpoint, prefix: String, into bundlePrefix: String) {
            for (name, tensor) in checkpoint.tensors where name.hasPrefix(prefix) { tensors[bundlePrefix + name] = tensor }
        }
        let usesWorldModel = config.stage2.useWorldModel
        if usesWorldModel {
            take(try finished("stage1", in: run).checkpoint, prefix: "world_model/", into: "")
        }
        take(stage2.checkpoint, prefix: "policy/", into: PolicyVariant.stage2.rawValue + "/")
        var variants: [PolicyVariant: Bool] = [.stage2: usesWorldModel, .full: usesWorldModel]
        var source = "\(run.url.path) stage2 step \(stage2.step)"
        let stage3Folder = CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent("stage3").path)
        if let step = stage3Step {
            let path = stage3Folder.filePath(step: step)
            guard FileManager.default.fileExists(atPath: path) else {
                throw TrainingError.unreadable(path, "no stage-3 checkpoint at step \(step) (saved: \(try stage3Folder.savedSteps().map(String.init).joined(separator: ", ")))")
            }
            take(try Checkpoint.load(from: path), prefix: "policy/", into: PolicyVariant.full.rawValue + "/")
            source = "\(run.url.path) stage3 step \(step)"
        } else if let stage3 = try stage3Folder.latest(), stage3.checkpoint.trainingState["complete"] == 1 {
            take(stage3.checkpoint, prefix: "policy/", into: PolicyVariant.full.rawValue + "/")
            source = "\(run.url.path) stage3 step \(stage3.step)"
        } else {
            log("export: no finished stage 3 in \(run.url.path); the full policy is stage 2's")
            take(stage2.checkpoint, prefix: "policy/", into: PolicyVariant.full.rawValue + "/")
        }
        if let baselines = try CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent(baselinesStage).path).latest() {
            for variant in [PolicyVariant.actionClassifier, .stage2WithoutWorldModel] {
                let prefix = variant.rawValue + "/"
                if baselines.checkpoint.tensors.keys.contains(where: { $0.hasPrefix(prefix) }) {
                    take(baselines.checkpoint, prefix: prefix, into: "")
                    variants[variant] = false
                }
            }
        } else {
            log("export: the run trained no baselines; the bundle holds the full and stage-2 policies only")
        }
        let encoderID: String
        let digest: String
        let embedder: () throws -> TextEmbedder
        if config.encoder.kind == .hashing {
            let hashing = HashingEmbedder(dimension: config.encoder.hashingDimension)
            encoderID = hashing.id
            digest = ""
            embedder = { hashing }
        } else {
            let folder = try MiniLMFolder.locate(explicit: encoderDirectory ?? (config.encoder.directory.isEmpty ? nil : config.encoder.directory))
            encoderID = MiniLMEncoder.modelID
            digest = try folder.weightsDigest()
            embedder = { try MiniLMEncoder(folder: folder) }
        }
        let screen = try requestScreen.flatMap { try RequestScreenFit.screen(config: config, options: $0, embedder: try embedder(), log: log) }
        return PolicyBundle(
            encoderID: encoderID, encoderWeightsHash: digest, features: layout.features, thresholds: thresholds,
            shapes: layout.shapes,
            variants: variants, source: source, trainingConfig: stage2.checkpoint.configJSON, tensors: tensors,
            requestScreen: screen)
    }

    /// A bundle of the networks in memory (the full policy alone), with their layout: for
    /// evaluating a policy while it trains through the same inference path the proxy uses, and
    /// for the proxy benchmark's bundle of untrained weights.
    public static func bundle(_ policy: Policy, layout: PolicyLayout, encoderID: String) -> PolicyBundle {
        var tensors = policy.network.tensors(prefix: PolicyVariant.full.rawValue + "/")
        if let worldModel = policy.worldModel { tensors.merge(worldModel.tensors()) { current, _ in current } }
        return PolicyBundle(encoderID: encoderID, encoderWeightsHash: "", features: layout.features, thresholds: PolicyThresholds(),
                            shapes: layout.shapes, variants: [.full: policy.worldModel != nil], source: "in training",
                            trainingConfig: "{}", tensors: tensors)
    }

    private static func finished(_ stage: String, in run: RunDirectory) throws -> CheckpointDirectory.Resumption {
        let folder = CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent(stage).path)
        guard let latest = try folder.latest(), latest.checkpoint.trainingState["complete"] == 1 else {
            throw TrainingError.invalidData("\(folder.path): no finished \(stage) in this run; train it first (safemcp train --run \(run.name) --stage \(stage.dropFirst(5)))")
        }
        return latest
    }

    private static func decodeConfig(_ checkpoint: CheckpointDirectory.Resumption) throws -> TrainingConfig {
        do {
            return try JSONDecoder().decode(TrainingConfig.self, from: Data(checkpoint.checkpoint.configJSON.utf8))
        } catch {
            throw TrainingError.invalidData("\(checkpoint.path): its config is not a training config this build reads: \(error)")
        }
    }
}
