/// Turns texts into fixed-size vectors; the dataset writer embeds every text part through it
/// (the text encoder, behind its cache).
public protocol TextEmbedding {
    /// Names the encoder and its weights, stored with the vectors so they are never mixed.
    var encoderID: String { get }
    var dimension: Int { get }
    /// One vector of `dimension` values per text, in order.
    func embed(_ texts: [String]) throws -> [[Float]]
}
