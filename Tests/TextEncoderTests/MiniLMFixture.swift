import Foundation
import TextEncoder
import KernelThreads
import XCTest

/// `Fixtures/minilm.json`, written by tools/make-minilm-fixture.sh with sentence-transformers.
struct MiniLMFixture: Decodable {
    struct Record: Decodable {
        var text: String
        var token_ids: [Int32]
        var embedding: [Float]
    }

    /// Random character mixtures with the token ids only.
    struct TokenRecord: Decodable {
        var text: String
        var token_ids: [Int32]
    }

    var max_tokens: Int
    var texts: [Record]
    var tokenizer_fuzz: [TokenRecord]

    static func load(filePath: String = #filePath) throws -> MiniLMFixture {
        let url = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/minilm.json")
        return try JSONDecoder().decode(MiniLMFixture.self, from: Data(contentsOf: url))
    }
}

/// One encoder per kernel set for the whole test run: loading one reads 90 MB.
enum SharedMiniLM {
    /// Every kernel set of the encoder this CPU runs: the embeddings of each are checked against
    /// the fixture.
    static let kernelSets = EncoderKernels.offered.filter(\.isSupported)

    private static let encoders: [KernelSet: Result<MiniLMEncoder, Error>] = Dictionary(uniqueKeysWithValues: kernelSets.map { kernels in
        (kernels, Result { try MiniLMEncoder(folder: MiniLMFolder.locate(), kernels: kernels) })
    })

    static func get(_ kernels: KernelSet = kernelSets[0]) throws -> MiniLMEncoder {
        do {
            return try encoders[kernels]!.get()
        } catch {
            XCTFail("cannot load all-MiniLM-L6-v2 (run `make test`, which installs it): \(error)")
            throw error
        }
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0, na: Float = 0, nb: Float = 0
    for (x, y) in zip(a, b) {
        dot += x * y
        na += x * x
        nb += y * y
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}
