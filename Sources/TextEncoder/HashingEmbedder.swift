import Checksums

/// A vector for any text without model files, for fast tests of code that needs some embedding:
/// each word or punctuation mark (after BERT's normalisation) is hashed with FNV-1a into one of
/// `dimension` buckets with a ±1 sign, and the sum is L2-normalised. Equal texts give equal
/// vectors and texts sharing words point in similar directions; nothing more is promised.
public final class HashingEmbedder: TextEmbedder, @unchecked Sendable {
    public let dimension: Int
    public var id: String { "hashing-fnv1a-\(dimension)" }

    public init(dimension: Int = 384) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
    }

    public func embed(_ texts: [String]) -> [[Float]] {
        texts.map(embed)
    }

    public func embed(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        var words = WordPieceTokenizer.basicTokens(text)
        // A text without words still gets a unit vector, the same for every such text.
        if words.isEmpty { words = [[]] }
        for word in words {
            let hash = FNV1a.hash64(String(String.UnicodeScalarView(word)).utf8)
            vector[Int(hash % UInt64(dimension))] += hash >> 63 == 0 ? 1 : -1
        }
        var norm: Float = 0
        for value in vector { norm += value * value }
        let inverse = 1 / norm.squareRoot()
        return vector.map { $0 * inverse }
    }
}
