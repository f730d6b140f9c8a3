import Foundation
import XCTest
@testable import HDF5Store

/// Files must be readable by h5py (for analysis notebooks) and files from h5py by us.
final class H5pyInteroperabilityTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(self)
    }

    func testH5pyReadsWhatSwiftWrote() throws {
        let path = directory.appendingPathComponent("from-swift.h5").path
        let file = try HDF5File.create(path)
        let weights: [Float] = (0..<12).map { Float($0) / 8 - 0.7 }
        try file.write(weights, shape: [3, 4], to: "policy/verdict_head/weight")
        try file.append(rows: [9, 9, 9, 9] as [Float], to: "policy/verdict_head/weight")
        try file.write([Int64.min, 5, Int64.max], shape: [3], to: "counts")
        try file.write([UInt64.max, 1], shape: [2], to: "rng")
        try file.write(strings: ["", "Grüße 🛡️", "plain"], to: "texts")
        try file.setAttribute("config", json: ["lr": 0.5])
        try file.setAttribute("step", integer: 1234, on: "policy")
        try file.setAttribute("note", string: "naïve", on: "policy/verdict_head/weight")
        try file.close()

        let script = """
        import sys, json, h5py
        f = h5py.File(sys.argv[1], "r")
        w = f["policy/verdict_head/weight"]
        print(json.dumps({
            "weight_shape": list(w.shape),
            "weight": [float(x) for x in w[()].ravel()],
            "weight_dtype": str(w.dtype),
            "compression": w.compression,
            "maxshape": [m if m is not None else -1 for m in w.maxshape],
            "counts": [int(x) for x in f["counts"][()]],
            "rng": [int(x) for x in f["rng"][()]],
            "texts": [s.decode("utf-8") for s in f["texts"][()]],
            "config": json.loads(f.attrs["config"]),
            "step": int(f["policy"].attrs["step"]),
            "note": f["policy/verdict_head/weight"].attrs["note"],
        }))
        """
        let output = try Python.run(script, arguments: [path])
        let seen = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        XCTAssertEqual(seen?["weight_shape"] as? [Int], [4, 4])
        XCTAssertEqual((seen?["weight"] as? [Double])?.map { Float($0) }, weights + [9, 9, 9, 9])
        XCTAssertEqual(seen?["weight_dtype"] as? String, "float32")
        XCTAssertEqual(seen?["compression"] as? String, "gzip")
        XCTAssertEqual(seen?["maxshape"] as? [Int], [-1, 4])
        XCTAssertEqual((seen?["counts"] as? [NSNumber])?.map { $0.int64Value }, [Int64.min, 5, Int64.max])
        XCTAssertEqual((seen?["rng"] as? [NSNumber])?.map { $0.uint64Value }, [UInt64.max, 1])
        XCTAssertEqual(seen?["texts"] as? [String], ["", "Grüße 🛡️", "plain"])
        XCTAssertEqual(seen?["config"] as? [String: Double], ["lr": 0.5])
        XCTAssertEqual(seen?["step"] as? Int, 1234)
        XCTAssertEqual(seen?["note"] as? String, "naïve")
    }

    func testSwiftReadsWhatH5pyWrote() throws {
        let path = directory.appendingPathComponent("from-h5py.h5").path
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            e = f.create_dataset("cache/embeddings", data=np.arange(40, dtype=np.float32).reshape(10, 4) / 4,
                                 chunks=(3, 4), maxshape=(None, 4), compression="gzip", compression_opts=6)
            f.create_dataset("cache/ids", data=np.arange(10, dtype=np.int64) * -3, chunks=True, compression="gzip")
            f.create_dataset("cache/doubles", data=np.array([0.1, 2.5]), compression="gzip")
            f.create_dataset("texts", data=["", "héllo", "日本", "x" * 300],
                             dtype=h5py.string_dtype(), maxshape=(None,), compression="gzip")
            f.create_dataset("fixed", data=np.array([b"ab", b"", b"xyz"], dtype="S5"))
            f.attrs["config"] = '{"dim": 4}'
            f.attrs["version"] = 3
            e.attrs["model"] = "all-MiniLM-L6-v2"
        """
        _ = try Python.run(script, arguments: [path])

        let file = try HDF5File.open(path)
        XCTAssertEqual(try file.read(Float.self, from: "cache/embeddings"),
                       HDF5Array(shape: [10, 4], values: (0..<40).map { Float($0) / 4 }))
        XCTAssertEqual(try file.read(Float.self, from: "cache/embeddings", rows: 2..<5).values,
                       (8..<20).map { Float($0) / 4 })
        XCTAssertEqual(try file.read(Int64.self, from: "cache/ids").values, (0..<10).map { Int64($0) * -3 })
        XCTAssertEqual(try file.read(Double.self, from: "cache/doubles").values, [0.1, 2.5])
        XCTAssertEqual(try file.read(Float.self, from: "cache/doubles").values, [0.1, 2.5])
        XCTAssertEqual(try file.readStrings(from: "texts"), ["", "héllo", "日本", String(repeating: "x", count: 300)])
        XCTAssertEqual(try file.readStrings(from: "fixed"), ["ab", "", "xyz"])
        XCTAssertEqual(try file.stringAttribute("config"), "{\"dim\": 4}")
        XCTAssertEqual(try file.integerAttribute("version"), 3)
        XCTAssertEqual(try file.stringAttribute("model", of: "cache/embeddings"), "all-MiniLM-L6-v2")
        XCTAssertEqual(try file.members(of: "cache"), ["doubles", "embeddings", "ids"])
        try file.close()

        let writable = try HDF5File.open(path, access: .readWrite)
        try writable.append(rows: [100, 101, 102, 103] as [Float], to: "cache/embeddings")
        try writable.append(strings: ["appended"], to: "texts")
        XCTAssertEqual(try writable.shape(of: "cache/embeddings"), [11, 4])
        XCTAssertEqual(try writable.readStrings(from: "texts", rows: 4..<5), ["appended"])
    }
}
