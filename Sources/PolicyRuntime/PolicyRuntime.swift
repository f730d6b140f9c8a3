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
    /// The variant's networks, one per ensemble member that holds it (one for a single bundle).
    private let policies: [Policy]
    private let classifiers: [Sequential]

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
        var policies: [Policy] = []
        var classifiers: [Sequential] = []
        for member in 0..<bundle.members where bundle.holds(variant, member: member) {
            let tensors = bundle.tensors(ofMember: member)
            let name = member == 0 ? file : "\(file) member \(member)"
            if variant == .actionClassifier {
                let network = Sequential.classifier(inputs: features.dimension, hidden: bundle.shapes.actionClassifierHidden, classes: 3,
                                                    dropout: 0, generator: &generator)
                try SequentialModule(network).load(tensors, prefix: variant.rawValue + "/", file: name)
                classifiers.append(network)
                continue
            }
            var worldModel: WorldModel?
            if usesWorldModel, let hidden = bundle.shapes.worldModelHidden {
                let model = WorldModel(inputs: features.width, dimension: features.dimension, hidden: hidden, dropout: 0, generator: &generator)
                try model.load(tensors, file: name)
                worldModel = model
            }
            let worldModelInput = bundle.shapes.worldModelInput ?? .prediction
            let inputs = features.width + (usesWorldModel ? worldModelInput.width(dimension: features.dimension) : 0)
            let network = PolicyNetwork(inputs: inputs, toolDimension: features.toolWidth, hidden: bundle.shapes.policyHidden,
                                        toolHidden: bundle.shapes.policyToolHidden, dropout: 0, name: "policy", generator: &generator)
            try network.load(tensors, prefix: variant.rawValue + "/", file: name)
            policies.append(Policy(network: network, worldModel: worldModel, stateWidth: features.width, toolDimension: features.toolWidth,
                                   worldModelInput: worldModelInput))
        }
        guard !policies.isEmpty || !classifiers.isEmpty else {
            throw BundleError(file: file, problem: "holds no weights of its \(variant.rawValue) policy")
        }
        self.policies = policies
        self.classifiers = classifiers
    }

    /// How many trained networks decide together (their probabilities averaged).
    public var memberCount: Int { policies.count + classifiers.count }

    /// Decides for every input at once (one batched forward pass per member). An ensemble's
    /// verdict, withhold and look-ahead probabilities are the means of its members'; the
    /// thresholds then apply to the means.
    public func decide(_ inputs: [PolicyInput]) throws -> [PolicyOutput] {
        guard !inputs.isEmpty else { return [] }
        let vectors = try embeddings(inputs)
        let features = bundle.features
        let zero = [Float](repeating: 0, count: features.dimension)
        func vector(_ text: String) -> [Float] { text.isEmpty ? zero : vectors[text]! }
        let pendingVectors = inputs.map { $0.pending.map { vector(EpisodeTexts.action($0)) } ?? zero }

        if !classifiers.isEmpty {
            let pending = Matrix.stacking(pendingVectors, cols: features.dimension)
            let verdicts = Self.mean(classifiers.map { Self.softmaxRows($0.forward(pending, training: false)) })
            return inputs.indices.map { row in
                output(verdictProbabilities: verdicts[row], withholdProbabilities: [], tools: inputs[row].tools, lookahead: nil)
            }
        }
        let states = Matrix.stacking(inputs.map { features.vector(for: $0, embedding: vector) }, cols: features.width)
        let toolVectors = inputs.map { $0.tools.map { features.toolVector($0, embedding: vector) } }
        var verdictMembers: [[[Double]]] = []
        var withholdMembers: [[[Double]]] = []
        var predictionMembers: [[[Double]]] = []
        for policy in policies {
            let (networkInputs, prediction) = policy.inputs(states: states)
            let result = policy.forward(networkInputs, tools: toolVectors)
            verdictMembers.append(Self.softmaxRows(result.verdicts))
            if let withhold = result.withhold {
                withholdMembers.append([withhold.storage.map { 1 / (1 + Foundation.exp(-Double($0))) }])
            }
            if let prediction { predictionMembers.append((0..<prediction.rows).map { prediction.row($0).suffix(4).map(Double.init) }) }
        }
        let verdicts = Self.mean(verdictMembers)
        let withhold = withholdMembers.isEmpty ? nil : Self.mean(withholdMembers)[0]
        let risks = predictionMembers.isEmpty ? nil : Self.mean(predictionMembers)
        var pair = 0
        return inputs.indices.map { row in
            let count = inputs[row].tools.count
            let withholdProbabilities = withhold.map { Array($0[pair..<pair + count]) } ?? []
            pair += count
            let lookahead = risks.map { Lookahead(nextStateProbabilities: Array($0[row].prefix(3)), unsafeFollows: $0[row][3]) }
            var decided = output(verdictProbabilities: verdicts[row], withholdProbabilities: withholdProbabilities,
                                 tools: inputs[row].tools, lookahead: lookahead)
            if variant == .full, let screen = bundle.requestScreen {
                let instruction = inputs[row].instruction
                decided.screen(screen.finding(instruction: instruction, embedding: vector(instruction), pending: inputs[row].pending,
                                              safeProbability: verdicts[row][StepLabel.safe.index]))
            }
            return decided
        }
    }

    /// Each row's softmax, in double precision.
    private static func softmaxRows(_ logits: Matrix) -> [[Double]] {
        (0..<logits.rows).map { Probabilities.softmax(logits.row($0).map(Double.init)) }
    }

    /// The element-wise mean over members of rows of probabilities of one shape.
    private static func mean(_ members: [[[Double]]]) -> [[Double]] {
        guard members.count > 1 else { return members[0] }
        let scale = 1 / Double(members.count)
        return members[0].indices.map { row in
            members[0][row].indices.map { column in members.reduce(0) { $0 + $1[row][column] } * scale }
        }
    }

    private func output(verdictProbabilities probabilities: [Double], withholdProbabilities: [Double], tools: [Tool], lookahead: Lookahead?) -> PolicyOutput {
        var best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        if let threshold = bundle.thresholds.unsafe {
            let unsafe = StepLabel.unsafe.index
            if probabilities[unsafe] >= threshold {
                best = unsafe
            } else if best == unsafe {
                best = probabilities[StepLabel.critical.index] > probabilities[StepLabel.safe.index] ? StepLabel.critical.index : StepLabel.safe.index
            }
        }
        let withholdProbabilities = withholdProbabilities.isEmpty ? [Double](repeating: 0, count: tools.count) : withholdProbabilities
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
