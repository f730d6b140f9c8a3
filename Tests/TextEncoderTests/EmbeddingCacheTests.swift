import TestSupport
import Foundation
import TextEncoder
import XCTest

/// Counts the texts it is asked to embed, so tests can see what the cache computed.
final class CountingEmbedder: TextEmbedder {
    let inner = HashingEmbedder()
    let id: String
    var dimension: Int { inner.dimension }
    var embedded: [String] = []

    init(id: String = "counting") {
        self.id = id
    }

    func embed(_ texts: [String]) -> [[Float]] {
        embedded += texts
        return inner.embed(texts)
    }
}

final class EmbeddingCacheTests: XCTestCase {
    func testEachDistinctTextIsEmbeddedOnce() throws {
        let counting = CountingEmbedder()
        let cache = try EmbeddingCache(encoder: counting)
        let first = try cache.embed(["a", "b", "a"])
        let second = try cache.embed(["b", "c"])
        XCTAssertEqual(counting.embedded, ["a", "b", "c"])
        XCTAssertEqual(first, counting.inner.embed(["a", "b", "a"]))
        XCTAssertEqual(second, counting.inner.embed(["b", "c"]))
        XCTAssertEqual(cache.count, 3)
        XCTAssertEqual(cache.misses, 3)
        XCTAssertEqual(cache.hits, 2)
    }

    func testKeysDependOnTheEncoderAndTheText() {
        XCTAssertNotEqual(EmbeddingCache.key(encoderID: "x", text: "a"), EmbeddingCache.key(encoderID: "y", text: "a"))
        XCTAssertNotEqual(EmbeddingCache.key(encoderID: "x", text: "a"), EmbeddingCache.key(encoderID: "x", text: "b"))
        XCTAssertEqual(EmbeddingCache.key(encoderID: "x", text: "a"), EmbeddingCache.key(encoderID: "x", text: "a"))
    }

    /// The documented key, so cache files written by earlier builds still load: the first 128
    /// bits of SHA-256("x\0a"), as Python's hashlib gives them.
    func testKeyIsTheFirstHalfOfSHA256() {
        let key = EmbeddingCache.key(encoderID: "x", text: "a")
        XCTAssertEqual(key.high, 0x6149_68d9_65a3_bf7b)
        XCTAssertEqual(key.low, 0x6c43_797e_9e53_1abc)
    }

    func testSavedVectorsAreReusedByTheNextProcess() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("cache.h5").path
        let saved = try EmbeddingCache(encoder: CountingEmbedder(), path: path)
        let vectors = try saved.embed(["first text", "second text"])
        try saved.save()
        let folder = (path as NSString).deletingLastPathComponent
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["cache.h5"], "no temporary file is left")

        let counting = CountingEmbedder()
        let reopened = try EmbeddingCache(encoder: counting, path: path)
        XCTAssertEqual(reopened.count, 2)
        XCTAssertEqual(try reopened.embed(["second text", "first text", "third"]), [vectors[1], vectors[0], counting.inner.embed("third")])
        XCTAssertEqual(counting.embedded, ["third"])
        try reopened.save()
        XCTAssertEqual(try EmbeddingCache(encoder: CountingEmbedder(), path: path).count, 3)
    }

    func testFileOfAnotherEncoderIsRefusedWithItsName() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("cache.h5").path
        let cache = try EmbeddingCache(encoder: CountingEmbedder(id: "one"), path: path)
        _ = try cache.embed(["x"])
        try cache.save()
        XCTAssertThrowsError(try EmbeddingCache(encoder: CountingEmbedder(id: "two"), path: path)) { error in
            XCTAssertTrue("\(error)".contains(path) && "\(error)".contains("holds embeddings of one"), "\(error)")
        }
    }

    /// h5py reads the file, and Python's hashlib recomputes every key from the text.
    func testH5pyReadsTheFileAndRecomputesTheKeys() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("cache.h5").path
        let texts = ["héllo", "", "{\"tool\": \"rm\"}"]
        let cache = try EmbeddingCache(encoder: HashingEmbedder(), path: path)
        let vectors = try cache.embed(texts)
        try cache.save()
        let script = """
        import hashlib, json, sys
        import h5py
        with h5py.File(sys.argv[1], "r") as f:
            encoder = f.attrs["encoder"]
            encoder = encoder.decode() if isinstance(encoder, bytes) else encoder
            keys = f["keys"][()]
            rows = {(int(k[0]), int(k[1])): f["embeddings"][i].tolist() for i, k in enumerate(keys)}
        out = []
        for text in json.loads(sys.argv[2]):
            digest = hashlib.sha256(encoder.encode() + b"\\0" + text.encode()).digest()
            key = (int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:16], "big"))
            out.append(rows[key])
        print(json.dumps({"encoder": encoder, "vectors": out}))
        """
        let textsJSON = String(decoding: try JSONEncoder().encode(texts), as: UTF8.self)
        struct Output: Decodable { let encoder: String; let vectors: [[Float]] }
        let output = try JSONDecoder().decode(Output.self, from: Data(try PythonRunner.run(script, arguments: [path, textsJSON]).utf8))
        XCTAssertEqual(output.encoder, HashingEmbedder().id)
        XCTAssertEqual(output.vectors, vectors)
    }
}
