import Crypto
import Foundation
import HDF5Store

/// Embeds each distinct text once: wraps an encoder, keeps every vector it computed in memory,
/// and optionally persists them in an HDF5 file so a dataset's texts are encoded once across
/// runs.
///
/// A key is the first 128 bits of SHA-256 over the encoder id, a NUL byte and the UTF-8 text, so
/// vectors of different encoders never mix and crafted texts cannot collide with others.
///
/// File layout (h5py reads it): attributes `encoder` (id), `dimension`, `format_version`;
/// datasets `keys` (UInt64 `[n, 2]`, the key's two halves, big-endian order) and `embeddings`
/// (Float32 `[n, dimension]`). `save()` rewrites the file atomically (`HDF5File.createAtomically`).
public final class EmbeddingCache: TextEmbedder, @unchecked Sendable {
    public struct Key: Hashable, Sendable {
        public var high: UInt64
        public var low: UInt64
    }

    public static let formatVersion: Int64 = 1

    public let encoder: TextEmbedder
    public let path: String?
    public var id: String { encoder.id }
    public var dimension: Int { encoder.dimension }

    private let lock = NSLock()
    private var vectors: [Key: [Float]] = [:]
    private var order: [Key] = []
    private var savedCount = 0
    public private(set) var hits = 0
    public private(set) var misses = 0

    /// Loads the vectors already in `path` when that file exists; it must have been written for
    /// the same encoder id and dimension.
    public init(encoder: TextEmbedder, path: String? = nil) throws {
        self.encoder = encoder
        self.path = path
        if let path, FileManager.default.fileExists(atPath: path) {
            try load(path)
        }
    }

    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return order.count
    }

    public static func key(encoderID: String, text: String) -> Key {
        let digest = Array(SHA256.hash(data: Array(encoderID.utf8) + [0] + Array(text.utf8)))
        func word(_ start: Int) -> UInt64 { digest[start..<(start + 8)].reduce(0) { $0 << 8 | UInt64($1) } }
        return Key(high: word(0), low: word(8))
    }

    /// Vectors for `texts`, computing only those not cached, each distinct text once.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let keys = texts.map { Self.key(encoderID: encoder.id, text: $0) }
        var missing: [(key: Key, text: String)] = []
        lock.lock()
        var seen = Set<Key>()
        for (key, text) in zip(keys, texts) where vectors[key] == nil && seen.insert(key).inserted {
            missing.append((key, text))
        }
        hits += texts.count - missing.count
        misses += missing.count
        lock.unlock()

        let computed = missing.isEmpty ? [] : try encoder.embed(missing.map(\.text))
        lock.lock()
        defer { lock.unlock() }
        for ((key, _), vector) in zip(missing, computed) where vectors[key] == nil {
            vectors[key] = vector
            order.append(key)
        }
        return keys.map { vectors[$0]! }
    }

    /// Writes every cached vector to `path` (temporary file, synced, then renamed). Does nothing without
    /// a path or when nothing was added since the file was read or last saved.
    public func save() throws {
        guard let path else { return }
        lock.lock()
        defer { lock.unlock() }
        guard order.count != savedCount || !FileManager.default.fileExists(atPath: path) else { return }
        try HDF5File.createAtomically(path) { file in
            try file.setAttribute("encoder", string: encoder.id)
            try file.setAttribute("dimension", integer: Int64(encoder.dimension))
            try file.setAttribute("format_version", integer: Self.formatVersion)
            try file.write(order.flatMap { [$0.high, $0.low] }, shape: [order.count, 2], to: "keys")
            try file.write(order.flatMap { vectors[$0]! }, shape: [order.count, encoder.dimension], to: "embeddings")
        }
        savedCount = order.count
    }

    private func load(_ path: String) throws {
        func wrong(_ problem: String) -> HDF5Error { HDF5Error(file: path, object: "/", problem: problem) }
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        let storedEncoder = try file.stringAttribute("encoder")
        let storedDimension = try file.integerAttribute("dimension")
        let version = try file.integerAttribute("format_version")
        guard version == Self.formatVersion else { throw wrong("embedding cache format \(version), expected \(Self.formatVersion)") }
        guard storedEncoder == encoder.id, storedDimension == Int64(encoder.dimension) else {
            throw wrong("holds embeddings of \(storedEncoder) (\(storedDimension) dims), not \(encoder.id) (\(encoder.dimension) dims)")
        }
        let keys = try file.read(UInt64.self, from: "keys")
        let embeddings = try file.read(Float.self, from: "embeddings")
        guard keys.shape.count == 2, keys.shape[1] == 2, embeddings.shape == [keys.shape[0], encoder.dimension] else {
            throw wrong("keys \(keys.shape) and embeddings \(embeddings.shape) do not match [n, 2] and [n, \(encoder.dimension)]")
        }
        let d = encoder.dimension
        for row in 0..<keys.shape[0] {
            let key = Key(high: keys.values[2 * row], low: keys.values[2 * row + 1])
            if vectors[key] == nil { order.append(key) }
            vectors[key] = Array(embeddings.values[(row * d)..<((row + 1) * d)])
        }
        savedCount = order.count
    }
}
