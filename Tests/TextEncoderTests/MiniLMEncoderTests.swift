import Foundation
import TextEncoder
import KernelThreads
import XCTest

final class MiniLMEncoderTests: XCTestCase {
    func testFixtureCoversTheRequiredKindsOfText() throws {
        let fixture = try MiniLMFixture.load()
        XCTAssertGreaterThanOrEqual(fixture.texts.count, 30)
        XCTAssertEqual(fixture.max_tokens, 256)
        XCTAssertTrue(fixture.texts.contains { $0.text.isEmpty })
        XCTAssertTrue(fixture.texts.contains { !$0.text.isEmpty && $0.text.allSatisfy(\.isWhitespace) })
        XCTAssertTrue(fixture.texts.contains { $0.token_ids.count == 256 }, "no text reaches the truncation limit")
    }

    func testTokenIDsEqualSentenceTransformers() throws {
        let encoder = try SharedMiniLM.get()
        for record in try MiniLMFixture.load().texts {
            XCTAssertEqual(encoder.tokenIDs(record.text), record.token_ids, "text \(record.text.debugDescription)")
        }
    }

    func testTokenIDsOfRandomCharacterMixturesEqualSentenceTransformers() throws {
        let encoder = try SharedMiniLM.get()
        let fuzz = try MiniLMFixture.load().tokenizer_fuzz
        XCTAssertGreaterThanOrEqual(fuzz.count, 300)
        for record in fuzz {
            XCTAssertEqual(encoder.tokenIDs(record.text), record.token_ids, "text \(record.text.debugDescription)")
        }
    }

    func testEmbeddingsOneTextAtATimeMatchSentenceTransformers() throws {
        for kernels in SharedMiniLM.kernelSets {
            let encoder = try SharedMiniLM.get(kernels)
            for record in try MiniLMFixture.load().texts {
                let embedding = try encoder.embed([record.text])[0]
                XCTAssertEqual(embedding.count, 384)
                XCTAssertGreaterThanOrEqual(cosine(embedding, record.embedding), 0.9999, "\(kernels) kernels, text \(record.text.debugDescription)")
            }
        }
    }

    func testEmbeddingsInOneBatchMatchSentenceTransformers() throws {
        for kernels in SharedMiniLM.kernelSets {
            let records = try MiniLMFixture.load().texts
            let embeddings = try SharedMiniLM.get(kernels).embed(records.map(\.text))
            XCTAssertEqual(embeddings.count, records.count)
            for (embedding, record) in zip(embeddings, records) {
                XCTAssertGreaterThanOrEqual(cosine(embedding, record.embedding), 0.9999, "\(kernels) kernels, text \(record.text.debugDescription)")
            }
        }
    }

    func testBatchSplitIntoSeveralPassesMatchesSentenceTransformers() throws {
        for kernels in SharedMiniLM.kernelSets {
            let encoder = try MiniLMEncoder(folder: MiniLMFolder.locate(), tokensPerPass: 300, kernels: kernels)
            let records = try MiniLMFixture.load().texts
            let embeddings = try encoder.embed(records.map(\.text))
            for (embedding, record) in zip(embeddings, records) {
                XCTAssertGreaterThanOrEqual(cosine(embedding, record.embedding), 0.9999, "\(kernels) kernels, text \(record.text.debugDescription)")
            }
        }
    }

    /// Beyond the fixture's 256 tokens there is no sentence-transformers reference; each kernel
    /// set's own products are checked against OpenBLAS's instead, up to the model's 512 positions
    /// and with short sequences in the same batch. The batch of two short texts runs as one pass
    /// split by columns (`sequenceSplitTokens`), the four long ones split by sequences.
    func testKernelSetsAgreeWithBLASOnSequencesUpTo512Tokens() throws {
        let own = SharedMiniLM.kernelSets.filter { $0 != .blas }
        try XCTSkipIf(own.isEmpty, "this CPU runs only the BLAS kernels")
        let folder = try MiniLMFolder.locate()
        let blas = try MiniLMEncoder(folder: folder, maxTokens: 512, kernels: .blas)
        let words = try MiniLMFixture.load().texts.map(\.text).joined(separator: " ")
        let long = [String(words.prefix(1200)), "short one", String(words.prefix(5000)), String(words.prefix(400))]
        let short = ["read_notes {\"path\": \"meeting.md\"}", "Notes: budget review on Friday."]
        XCTAssertEqual(blas.tokenIDs(long[2]).count, 512, "the long text does not reach 512 tokens")
        XCTAssertGreaterThan(blas.tokenIDs(long[0]).count, 256)
        XCTAssertLessThan(short.map { blas.tokenIDs($0).count }.reduce(0, +), MiniLMEncoder.sequenceSplitTokens)
        for kernels in own {
            let encoder = try MiniLMEncoder(folder: folder, maxTokens: 512, kernels: kernels)
            for texts in [long, short] {
                for (fast, reference) in zip(try encoder.embed(texts), try blas.embed(texts)) {
                    XCTAssertGreaterThanOrEqual(cosine(fast, reference), 0.9999, "\(kernels) kernels")
                }
            }
        }
    }

    func testKernelSetComesFromTheEnvironmentAndBadValuesAreNamed() throws {
        let variable = EncoderKernels.environmentVariable
        XCTAssertEqual(try EncoderKernels.configured(environment: [variable: "blas"]), .blas)
        let fastest: KernelSet = KernelSet.avx512.isSupported ? .avx512 : KernelSet.avx2.isSupported ? .avx2 : .blas
        XCTAssertEqual(try EncoderKernels.configured(environment: [:]), fastest)
        XCTAssertThrowsError(try EncoderKernels.configured(environment: [variable: "AVX2"])) { error in
            XCTAssertEqual(String(describing: error), "\(variable)=AVX2: must be avx512, avx2 or blas")
        }
        if !KernelSet.avx512.isSupported {
            XCTAssertThrowsError(try EncoderKernels.configured(environment: [variable: "avx512"])) { error in
                XCTAssertEqual(String(describing: error), "\(variable)=avx512: this CPU lacks AVX-512 F/CD/BW/DQ/VL")
            }
        }
    }

    func testCallsFromSeveralThreadsAtOnceGiveTheSameEmbeddings() throws {
        let encoder = try SharedMiniLM.get()
        let records = Array(try MiniLMFixture.load().texts.prefix(8))
        var results = [[[Float]]](repeating: [], count: 4)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            // Even callers embed the batch, odd ones one text at a time: both paths run at once.
            let embeddings = index % 2 == 0 ? try? encoder.embed(records.map(\.text)) : records.compactMap { try? encoder.embed([$0.text])[0] }
            lock.lock()
            results[index] = embeddings ?? []
            lock.unlock()
        }
        for embeddings in results {
            XCTAssertEqual(embeddings.count, records.count)
            for (embedding, record) in zip(embeddings, records) {
                XCTAssertGreaterThanOrEqual(cosine(embedding, record.embedding), 0.9999, "text \(record.text.debugDescription)")
            }
        }
    }

    func testEmbeddingsAreUnitLength() throws {
        let embedding = try SharedMiniLM.get().embed(["unit length please"])[0]
        XCTAssertEqual(embedding.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
    }
}
