/// Turns texts into fixed-size vectors. Every implementation returns L2-normalised vectors of
/// `dimension` floats, one per input text, in input order.
public protocol TextEmbedder: AnyObject {
    /// Names the model and its weights: embeddings from embedders with different ids are not
    /// comparable, so caches and datasets key on it.
    var id: String { get }
    var dimension: Int { get }
    func embed(_ texts: [String]) throws -> [[Float]]
}

/// Which encoder embeds the texts: the name a config (`encoder.kind`) and the command line
/// (`--encoder`) both take.
public enum EncoderKind: String, Codable, CaseIterable, Sendable {
    /// all-MiniLM-L6-v2.
    case minilm
    /// Feature hashing: no files, fast, for tests only.
    case hashing
}
