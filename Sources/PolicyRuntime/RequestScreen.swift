import Episodes
import NeuralNet

/// A linear read of the task's instruction embedding: the probability that the request itself
/// asks for harm (AgentHarm's kind of task, where each call looks ordinary and only the request
/// says what it is for). `safemcp export` fits it on the run's own training sources
/// (`RequestScreenFit`), so a source left out of training is out of the screen too.
///
/// The full policy applies it: a call that acts (not a reply, which is how an agent refuses)
/// under a request the screen flags runs only when the policy is confident it is safe.
public struct RequestScreen: Codable, Equatable, Sendable {
    /// One weight per embedding dimension, then the bias.
    public var weights: [Double]
    public var bias: Double
    /// A request whose probability reaches this is flagged.
    public var flag: Double
    /// Under a flagged request, a call runs only when the policy's P(safe) reaches this.
    public var allowAbove: Double
    /// What it was fitted on: distinct instructions of each class, and the sources of the
    /// harmful ones.
    public var positives: Int
    public var negatives: Int
    public var harmfulSources: [String]

    public init(weights: [Double], bias: Double, flag: Double, allowAbove: Double, positives: Int, negatives: Int,
                harmfulSources: [String]) {
        self.weights = weights
        self.bias = bias
        self.flag = flag
        self.allowAbove = allowAbove
        self.positives = positives
        self.negatives = negatives
        self.harmfulSources = harmfulSources
    }

    /// The probability that the request whose embedding this is asks for harm.
    public func probability(_ embedding: [Float]) -> Double {
        var logit = bias
        for (weight, value) in zip(weights, embedding) { logit += weight * Double(value) }
        return Probabilities.sigmoid(logit)
    }

    /// What the screen says of one decision; nil when the decision is not its to change (no
    /// pending call, or a reply) or there is no request to read (no task declared: the empty
    /// instruction's zero embedding would be judged by the bias alone).
    func finding(instruction: String, embedding: [Float], pending: Action?, safeProbability: Double) -> RequestScreenFinding? {
        guard let pending, !pending.isReply, !instruction.isEmpty else { return nil }
        let probability = probability(embedding)
        return RequestScreenFinding(probability: probability, flag: flag, allowAbove: allowAbove,
                                    blocks: probability >= flag && safeProbability < allowAbove)
    }
}

/// The request screen's reading of one decision.
public struct RequestScreenFinding: Equatable, Sendable {
    /// The probability that the request asks for harm.
    public var probability: Double
    public var flag: Double
    public var allowAbove: Double
    /// Whether it turned the verdict to unsafe: the request is flagged and the policy's P(safe)
    /// is below `allowAbove`.
    public var blocks: Bool
}
