import TextEncoder
import XCTest

final class HashingEmbedderTests: XCTestCase {
    func testVectorsAreUnitLengthAndDeterministic() {
        let embedder = HashingEmbedder()
        let texts = ["read the file", "", "   ", "Delete EVERYTHING now!"]
        let first = embedder.embed(texts), second = HashingEmbedder().embed(texts)
        XCTAssertEqual(first, second)
        for vector in first {
            XCTAssertEqual(vector.count, 384)
            XCTAssertEqual(vector.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
        }
    }

    func testSharedWordsPointTheSameWayAndCaseDoesNotMatter() {
        let embedder = HashingEmbedder()
        let vectors = embedder.embed(["send the email to bob", "SEND the Email to alice", "quantum chromodynamics lattice"])
        XCTAssertGreaterThan(cosine(vectors[0], vectors[1]), 0.5)
        XCTAssertLessThan(cosine(vectors[0], vectors[2]), 0.3)
    }

    func testIdNamesTheDimension() {
        XCTAssertEqual(HashingEmbedder(dimension: 16).id, "hashing-fnv1a-16")
        XCTAssertEqual(HashingEmbedder(dimension: 16).embed(["x"])[0].count, 16)
    }
}
