import ArgumentParser
import Datasets
import Episodes
import Foundation
import TextEncoder

/// How a command embeds text: the encoder, where its weights are, and the embedding cache.
/// Shared by `embed`, `data import` and `envs rollout --record`.
struct EncoderOptions: ParsableArguments {
    @Option(name: .long, help: "Which encoder: minilm (all-MiniLM-L6-v2) or hashing (no files; for tests only).")
    var encoder: EncoderKind = .minilm

    @Option(name: .customLong("encoder-dir"), help: "Folder with model.safetensors and vocab.txt (minilm only).")
    var encoderDir: String?

    @Option(name: .long, help: "HDF5 embedding cache: vectors found there are reused, new ones are added to it.")
    var cache: String?

    func validate() throws {
        if encoderDir != nil && encoder != .minilm { throw ValidationError("--encoder-dir applies only to --encoder minilm") }
    }

    func makeEncoder() throws -> TextEmbedder {
        switch encoder {
        case .minilm: return try MiniLMEncoder(explicitFolder: encoderDir)
        case .hashing: return HashingEmbedder()
        }
    }

    /// The encoder behind a cache: `--cache`, else `defaultCache` when given (datasets re-embed
    /// the same texts often, so they keep a cache by default), else memory only.
    func makeCachedEncoder(defaultCache: Bool) throws -> EmbeddingCache {
        let model = try makeEncoder()
        let path = try cache ?? (defaultCache ? Self.defaultCachePath(encoderID: model.id) : nil)
        return try EmbeddingCache(encoder: model, path: path)
    }

    /// Writes `episodes` as an HDF5 dataset with every text part embedded; the cache is saved
    /// even when writing fails, so the vectors computed are kept.
    func writeDataset(_ episodes: [Episode], to url: URL, log: @escaping (String) -> Void) throws {
        let cached = try makeCachedEncoder(defaultCache: true)
        log("embedding cache \(cached.path ?? "-"): \(cached.count) vectors")
        let written = Result { try DatasetWriter.write(episodes, to: url, embedding: cached, progress: log) }
        try cached.save()
        try written.get()
        log("embedding cache: \(cached.hits) hits, \(cached.misses) texts encoded")
    }

    static func defaultCachePath(encoderID: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let directory = environment["SAFEMCP_CACHE_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/safemcp")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("embeddings-\(encoderID).h5").path
    }
}

extension EncoderKind: ExpressibleByArgument {}
