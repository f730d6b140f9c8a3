import Foundation
import HDF5Store

/// A trained policy as the proxy and `safemcp eval` load it: the weights, and everything they
/// assume — the encoder (id and SHA-256 of its weights), the feature layout, the network
/// shapes, the decision thresholds and the training config.
///
/// On disk a bundle is a sealed checkpoint file (`Checkpoint`: atomic write, whole-file and
/// content checksums, so a torn or edited bundle is refused): tensors `world_model/...` and
/// `<variant>/...`, and the root attribute `config` holding this struct's fields as JSON, with
/// `kind: "safemcp-policy-bundle"` (h5py: `json.loads(f.attrs["config"])`).
public struct PolicyBundle: Equatable, Sendable {
    public static let kind = "safemcp-policy-bundle"
    public static let formatVersion = 1

    public struct Shapes: Codable, Equatable, Sendable {
        /// World-model trunk width (absent: the bundle has no world model).
        public var worldModelHidden: Int?
        /// Policy trunk width and per-tool withhold head width.
        public var policyHidden: Int
        public var policyToolHidden: Int
        /// Hidden widths of the action classifier.
        public var actionClassifierHidden: [Int]
        /// What of the world model's prediction the policies that read it take (absent: `prediction`).
        public var worldModelInput: WorldModel.PolicyInput?

        public init(worldModelHidden: Int?, policyHidden: Int, policyToolHidden: Int, actionClassifierHidden: [Int],
                    worldModelInput: WorldModel.PolicyInput? = nil) {
            self.worldModelInput = worldModelInput
            self.worldModelHidden = worldModelHidden
            self.policyHidden = policyHidden
            self.policyToolHidden = policyToolHidden
            self.actionClassifierHidden = actionClassifierHidden
        }
    }

    /// The JSON of the `config` attribute.
    struct Metadata: Codable, Equatable {
        var kind: String
        var formatVersion: Int
        var encoderID: String
        var encoderWeightsHash: String
        var features: StateFeatures
        var thresholds: PolicyThresholds
        var shapes: Shapes
        /// Each variant the bundle holds, and whether its input includes the world model's prediction.
        var variants: [String: Bool]
        var source: String
        var trainingConfig: String
    }

    public var encoderID: String
    /// SHA-256 of the encoder's weights file; empty for the hashing encoder, which has none.
    public var encoderWeightsHash: String
    public var features: StateFeatures
    public var thresholds: PolicyThresholds
    public var shapes: Shapes
    /// The variants present, with whether each reads the world model's prediction.
    public var variants: [PolicyVariant: Bool]
    /// Which run and step the weights come from ("runs/NAME step N").
    public var source: String
    /// The run's resolved training config, JSON.
    public var trainingConfig: String
    /// Weights by name: `world_model/...`, and `<variant>/...` for each variant.
    public var tensors: [String: Checkpoint.Tensor]

    public init(encoderID: String, encoderWeightsHash: String, features: StateFeatures, thresholds: PolicyThresholds,
                shapes: Shapes, variants: [PolicyVariant: Bool], source: String, trainingConfig: String,
                tensors: [String: Checkpoint.Tensor]) {
        self.encoderID = encoderID
        self.encoderWeightsHash = encoderWeightsHash
        self.features = features
        self.thresholds = thresholds
        self.shapes = shapes
        self.variants = variants
        self.source = source
        self.trainingConfig = trainingConfig
        self.tensors = tensors
    }

    /// Writes atomically; the file is either the old one or the whole new bundle.
    public func write(to url: URL) throws {
        let metadata = Metadata(kind: Self.kind, formatVersion: Self.formatVersion, encoderID: encoderID,
                                encoderWeightsHash: encoderWeightsHash, features: features, thresholds: thresholds, shapes: shapes,
                                variants: Dictionary(uniqueKeysWithValues: variants.map { ($0.key.rawValue, $0.value) }),
                                source: source, trainingConfig: trainingConfig)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        try Checkpoint(tensors: tensors, configJSON: json).save(to: url.path)
    }

    /// Reads and checks a bundle; every problem names the file.
    public static func read(_ url: URL) throws -> PolicyBundle {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw BundleError(file: path, problem: "no such file") }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.load(from: path)
        } catch let error as CheckpointError {
            throw BundleError(file: path, problem: error.problem)
        }
        guard let metadata = try? JSONDecoder().decode(Metadata.self, from: Data(checkpoint.configJSON.utf8)),
              metadata.kind == kind else {
            throw BundleError(file: path, problem: "not a policy bundle (a training checkpoint? make one with `safemcp export`)")
        }
        guard metadata.formatVersion == formatVersion else {
            throw BundleError(file: path, problem: "bundle format version \(metadata.formatVersion), this build reads version \(formatVersion)")
        }
        var variants: [PolicyVariant: Bool] = [:]
        for (name, usesWorldModel) in metadata.variants {
            guard let variant = PolicyVariant(rawValue: name) else {
                throw BundleError(file: path, problem: "unknown policy variant \"\(name)\"")
            }
            variants[variant] = usesWorldModel
        }
        guard variants[.full] != nil else { throw BundleError(file: path, problem: "holds no full policy") }
        if variants.values.contains(true) && metadata.shapes.worldModelHidden == nil {
            throw BundleError(file: path, problem: "a policy reads the world model, but the bundle has none")
        }
        return PolicyBundle(encoderID: metadata.encoderID, encoderWeightsHash: metadata.encoderWeightsHash, features: metadata.features,
                            thresholds: metadata.thresholds, shapes: metadata.shapes, variants: variants, source: metadata.source,
                            trainingConfig: metadata.trainingConfig, tensors: checkpoint.tensors)
    }
}

/// How a bundle turns probabilities into decisions.
public struct PolicyThresholds: Codable, Equatable, Sendable {
    /// A tool is withheld when its withhold probability reaches this.
    public var withhold: Double
    /// When set, a call is judged unsafe once P(unsafe) reaches it; nil: the most probable verdict.
    public var unsafe: Double?

    public init(withhold: Double = 0.5, unsafe: Double? = nil) {
        self.withhold = withhold
        self.unsafe = unsafe
    }
}

/// A bundle that cannot be used, and why; names the file.
public struct BundleError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
