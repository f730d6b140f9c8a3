import Episodes
import Foundation
import NeuralNet
import TextEncoder

/// A bundle's policy ready to decide: one variant's network (and the world model when the
/// variant reads it), the encoder the bundle was trained with, and an in-memory embedding
/// cache, since tool descriptions and past steps recur in every decision of a session.
/// Not safe to call from several threads at once: callers serialise `decide`.
public final class PolicyRuntime {
    public let bundle: PolicyBundle
    public let variant: PolicyVariant
    private var embedder: EmbeddingCache
    /// The most texts the cache keeps (about 30 MB of 384-wide vectors): a proxy serves for days,
    /// and every tool result is a new text, so the cache starts afresh when it is full.
    public static let maxCachedTexts = 20_000

    /// How many texts the embedding cache holds now.
    public var cachedTexts: Int { embedder.count }
    private let policy: Policy?
    private let classifier: Sequential?

    /// Loads the bundle and the encoder it names: MiniLM from `encoderDirectory`, else
    /// `SAFEMCP_MINILM_DIR` or the installed package, refused when its weights differ from the
    /// ones the policy was trained with; or the hashing encoder.
    public convenience init(contentsOf url: URL, variant: PolicyVariant = .full, encoderDirectory: String? = nil) throws {
        let bundle = try PolicyBundle.read(url)
        try self.init(bundle: bundle, variant: variant, embedder: Self.embedder(for: bundle, file: url.path, encoderDirectory: encoderDirectory),
                      file: url.path)
    }

    /// The encoder `bundle` names (see `init(contentsOf:)`), for callers that run several of its
    /// variants on one encoder.
    public static func embedder(for bundle: PolicyBundle, file: String, encoderDirectory: String? = nil) throws -> TextEmbedder {
        if bundle.encoderID.hasPrefix("hashing-") {
            return HashingEmbedder(dimension: bundle.features.dimension)
        }
        let folder = try MiniLMFolder.locate(explicit: encoderDirectory)
        let digest = try folder.weightsDigest()
        guard digest == bundle.encoderWeightsHash else {
            throw BundleError(file: file, problem: "trained with encoder weights \(bundle.encoderWeightsHash.prefix(12))…, but \(folder.weightsPath) has \(digest.prefix(12))…")
        }
        return try MiniLMEncoder(folder: folder)
    }

    public init(bundle: PolicyBundle, variant: PolicyVariant, embedder: TextEmbedder, file: String = "policy bundle") throws {
        guard embedder.id == bundle.encoderID, embedder.dimension == bundle.features.dimension else {
            throw BundleError(file: file, problem: "trained with encoder \(bundle.encoderID) (\(bundle.features.dimension) dimensions), given \(embedder.id) (\(embedder.dimension))")
        }
        guard let usesWorldModel = bundle.variants[variant] else {
            throw BundleError(file: file, problem: "holds no \(variant.rawValue) policy (it has \(bundle.variants.keys.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
        self.bundle = bundle
        self.variant = variant
        self.embedder = try EmbeddingCache(encoder: embedder)
        // Weights are loaded, never trained here: the generator only fills what `load` overwrites.
        var generator = RandomGenerator(seed: 0)
        let features = bundle.features
        var worldModel: WorldModel?
        if usesWorldModel, let hidden = bundle.shapes.worldModelHidden {
            let model = WorldModel(inputs: features.width, dimension: features.dimension, hidden: hidden, dropout: 0, generator: &generator)
            try model.load(bundle.tensors, file: file)
            worldModel = model
        }
        if variant == .actionClassifier {
            let network = Sequential.classifier(inputs: features.dimension, hidden: bundle.shapes.actionClassifierHidden, classes: 3,
                                                dropout: 0, generator: &generator)
            try SequentialModule(network).load(bundle.tensors, prefix: variant.rawValue + "/", file: file)
            classifier = network
            policy = nil
        } else {
            let worldModelInput = bundle.shapes.worldModelInput ?? .prediction
            let inputs = features.width + (usesWorldModel ? worldModelInput.width(dimension: features.dimension) : 0)
            let network = PolicyNetwork(inputs: inputs, toolDimension: features.toolWidth, hidden: bundle.shapes.policyHidden,
                                        toolHidden: bundle.shapes.policyToolHidden, dropout: 0, name: "policy", generator: &generator)
            try network.load(bundle.tensors, prefix: variant.rawValue + "/", file: file)
            policy = Policy(network: network, worldModel: worldModel, stateWidth: features.width, toolDimension: features.toolWidth,
                            worldModelInput: worldModelInput)
            classifier = nil
        }
    }

    /// Decides for every input at once (one batched forward pass).
    public func decide(_ inputs: [PolicyInput]) throws -> [PolicyOutput] {
        guard !inputs.isEmpty else { return [] }
        let vectors = try embeddings(inputs)
        let features = bundle.features
        let zero = [Float](repeating: 0, count: features.dimension)
        func vector(_ text: String) -> [Float] { text.isEmpty ? zero : vectors[text]! }
        let pendingVectors = inputs.map { $0.pending.map { vector(EpisodeTexts.action($0)) } ?? zero }

        if let classifier {
            let logits = classifier.forward(Matrix.stacking(pendingVectors, cols: features.dimension), training: false)
            return inputs.indices.map { row in
                output(verdictLogits: logits.row(row), withholdLogits: [], tools: inputs[row].tools, lookahead: nil)
            }
        }
        let policy = self.policy!
        let states = Matrix.stacking(inputs.map { features.vector(for: $0, embedding: vector) }, cols: features.width)
        let (networkInputs, prediction) = policy.inputs(states: states)
        let result = policy.forward(networkInputs, tools: inputs.map { $0.tools.map { features.toolVector($0, embedding: vector) } })
        var pair = 0
        return inputs.indices.map { row in
            let count = inputs[row].tools.count
            let withhold = result.withhold.map { Array($0.storage[pair..<pair + count]) } ?? []
            pair += count
            let lookahead = prediction.map { matrix -> Lookahead in
                let values = matrix.row(row).suffix(4).map(Double.init)
                return Lookahead(nextStateProbabilities: Array(values.prefix(3)), unsafeFollows: values[3])
            }
            return output(verdictLogits: result.verdicts.row(row), withholdLogits: withhold, tools: inputs[row].tools, lookahead: lookahead)
        }
    }

    private func output(verdictLogits: ArraySlice<Float>, withholdLogits: [Float], tools: [Tool], lookahead: Lookahead?) -> PolicyOutput {
        let probabilities = Probabilities.softmax(verdictLogits.map(Double.init))
        var best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        if let threshold = bundle.thresholds.unsafe {
            let unsafe = StepLabel.unsafe.index
            if probabilities[unsafe] >= threshold {
                best = unsafe
            } else if best == unsafe {
                best = probabilities[StepLabel.critical.index] > probabilities[StepLabel.safe.index] ? StepLabel.critical.index : StepLabel.safe.index
            }
        }
        let withholdProbabilities = withholdLogits.isEmpty
            ? [Double](repeating: 0, count: tools.count)
            : withholdLogits.map { 1 / (1 + Foundation.exp(-Double($0))) }
        let withheld = Set(zip(tools, withholdProbabilities).filter { $0.1 >= bundle.thresholds.withhold }.map(\.0.name))
        return PolicyOutput(verdict: StepLabel.allCases[best], verdictProbabilities: probabilities, confidence: probabilities[best],
                            withholdProbabilities: withholdProbabilities, withheld: withheld, lookahead: lookahead)
    }

    /// The embedding of every non-empty text the inputs contain, each distinct text embedded once.
    private func embeddings(_ inputs: [PolicyInput]) throws -> [String: [Float]] {
        var texts: [String] = []
        var seen = Set<String>()
        for input in inputs {
            for text in input.texts where !text.isEmpty && seen.insert(text).inserted { texts.append(text) }
        }
        if embedder.count + texts.count > Self.maxCachedTexts {
            embedder = try EmbeddingCache(encoder: embedder.encoder)
        }
        let vectors = try embedder.embed(texts)
        return Dictionary(uniqueKeysWithValues: zip(texts, vectors))
    }
}
