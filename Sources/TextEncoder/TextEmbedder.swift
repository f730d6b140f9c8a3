/// Turns texts into fixed-size vectors. Every implementation returns L2-normalised vectors of
/// `dimension` floats, one per input text, in input order.
public protocol TextEmbedder: AnyObject {
    /// Names the model and its weights: embeddings from embedders with different ids are not
    /// comparable, so caches and datasets key on it.
    var id: String { get }
    var dimension: Int { get }
    func embed(_ texts: [String]) throws -> [[Float]]
}
