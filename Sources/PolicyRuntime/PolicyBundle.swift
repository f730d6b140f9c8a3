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
///
/// An ensemble bundle (`safemcp export --member`) holds more than one member: the first one's
/// tensors under the names above, member `i` ≥ 1's under `member<i>/` (`member1/world_model/...`,
/// `member1/full/...`). The members share the encoder, features and shapes; the runtime averages
/// their probabilities.
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
        /// How many members the bundle holds (absent: one, as in bundles written before ensembles).
        var members: Int?
        /// The full policy's request screen (absent: none, as in bundles written before it).
        var requestScreen: RequestScreen?
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
    /// Weights by name: `world_model/...`, and `<variant>/...` for each variant; each further
    /// member's under `member<i>/`.
    public var tensors: [String: Checkpoint.Tensor]
    /// How many trained members the bundle holds (1 unless it is an ensemble).
    public var members: Int
    /// The full policy's request screen, fitted by `safemcp export`; nil: none.
    public var requestScreen: RequestScreen?

    public init(encoderID: String, encoderWeightsHash: String, features: StateFeatures, thresholds: PolicyThresholds,
                shapes: Shapes, variants: [PolicyVariant: Bool], source: String, trainingConfig: String,
                tensors: [String: Checkpoint.Tensor], members: Int = 1, requestScreen: RequestScreen? = nil) {
        self.members = members
        self.requestScreen = requestScreen
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
                                source: source, trainingConfig: trainingConfig, members: members == 1 ? nil : members,
                                requestScreen: requestScreen)
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
        let members = metadata.members ?? 1
        guard members >= 1 else { throw BundleError(file: path, problem: "holds \(members) members") }
        if let screen = metadata.requestScreen, screen.weights.count != metadata.features.dimension {
            throw BundleError(file: path, problem: "its request screen has \(screen.weights.count) weights for \(metadata.features.dimension)-dimensional embeddings")
        }
        let bundle = PolicyBundle(encoderID: metadata.encoderID, encoderWeightsHash: metadata.encoderWeightsHash, features: metadata.features,
                                  thresholds: metadata.thresholds, shapes: metadata.shapes, variants: variants, source: metadata.source,
                                  trainingConfig: metadata.trainingConfig, tensors: checkpoint.tensors, members: members,
                                  requestScreen: metadata.requestScreen)
        for member in 1..<members where !bundle.holds(.full, member: member) {
            throw BundleError(file: path, problem: "member \(member) of \(members) holds no full policy (no tensor \(memberPrefix(member))full/...)")
        }
        return bundle
    }

    /// The prefix of member `index`'s tensor names: none for the first member.
    public static func memberPrefix(_ index: Int) -> String { index == 0 ? "" : "member\(index)/" }

    /// Member `index`'s tensors under the names a single bundle gives them.
    public func tensors(ofMember index: Int) -> [String: Checkpoint.Tensor] {
        guard index > 0 else { return tensors.filter { !$0.key.hasPrefix("member") } }
        let prefix = Self.memberPrefix(index)
        return Dictionary(uniqueKeysWithValues: tensors.compactMap { name, tensor in
            name.hasPrefix(prefix) ? (String(name.dropFirst(prefix.count)), tensor) : nil
        })
    }

    /// Whether member `index` holds `variant`'s network (every member holds the full policy; a
    /// member exported from a run without baselines holds no baseline).
    public func holds(_ variant: PolicyVariant, member index: Int) -> Bool {
        guard variants[variant] != nil, index < members else { return false }
        let prefix = Self.memberPrefix(index) + variant.rawValue + "/"
        return tensors.keys.contains { $0.hasPrefix(prefix) }
    }

    /// One bundle of several single ones, each named (a run or file) for the errors: the first
    /// gives the thresholds, variants, request screen and training config; the others must share its encoder,
    /// features and shapes, and add the networks of the first one's variants they hold.
    public static func ensemble(_ named: [(name: String, bundle: PolicyBundle)]) throws -> PolicyBundle {
        guard var result = named.first?.bundle else { throw BundleError(file: "ensemble", problem: "no members") }
        for (name, bundle) in named {
            guard bundle.members == 1 else { throw BundleError(file: name, problem: "is already an ensemble of \(bundle.members)") }
        }
        let first = named[0].name
        for (index, (name, member)) in named.enumerated().dropFirst() {
            func mismatch(_ what: String) -> BundleError {
                BundleError(file: name, problem: "not the same \(what) as \(first): ensemble members must be trained alike")
            }
            guard member.encoderID == result.encoderID, member.encoderWeightsHash == result.encoderWeightsHash else { throw mismatch("encoder") }
            guard member.features == result.features else { throw mismatch("state features") }
            guard member.shapes == result.shapes else { throw mismatch("network shapes") }
            guard member.variants[.full] == result.variants[.full] else { throw mismatch("full policy's world-model input") }
            let kept = Set(result.variants.keys.filter { member.variants[$0] == result.variants[$0] }.map(\.rawValue) + ["world_model"])
            for (tensorName, tensor) in member.tensors where kept.contains(String(tensorName.prefix { $0 != "/" })) {
                result.tensors[memberPrefix(index) + tensorName] = tensor
            }
            result.source += " + \(member.source)"
        }
        result.members = named.count
        return result
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
