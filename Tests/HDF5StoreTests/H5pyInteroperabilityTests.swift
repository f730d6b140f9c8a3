import TestSupport
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
        let output = try PythonRunner.run(script, arguments: [path])
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
        _ = try PythonRunner.run(script, arguments: [path])

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

    /// h5py reads a Swift checkpoint's numbers, shapes and attributes, and a second
    /// implementation in Python of the canonical serialisation and of CRC-32C reproduces both
    /// stored checksums (the contents' and the seal's).
    func testH5pyReadsACheckpointAndReproducesItsChecksums() throws {
        let path = directory.appendingPathComponent("checkpoint.h5").path
        let checkpoint = CheckpointFixtures.sample()
        try checkpoint.save(to: path)

        let script = #"""
        import sys, json, struct, h5py, numpy as np

        TABLE = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            TABLE.append(c)

        def crc32c(data, crc=0):
            crc ^= 0xFFFFFFFF
            for b in data:
                crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
            return crc ^ 0xFFFFFFFF

        class Digest:
            crc = 0
            def raw(self, data): self.crc = crc32c(data, self.crc)
            def int(self, value): self.raw(struct.pack("<q", int(value)))
            def text(self, value):
                data = value.encode("utf-8")
                self.int(len(data))
                self.raw(data)

        path = sys.argv[1]
        f = h5py.File(path, "r")

        def tensors(group):
            found = {}
            f[group].visititems(lambda name, obj: found.__setitem__(name, np.asarray(obj[()]))
                                if isinstance(obj, h5py.Dataset) else None)
            return found

        model, optimizer = tensors("model"), tensors("optimizer/state")
        scalars = {k: float(v) for k, v in f["optimizer"].attrs.items()}
        training = {k: int(v) for k, v in f["training"].attrs.items()}
        rng = f["training/rng_state"][()]
        config = f.attrs["config"]

        d = Digest()
        d.text(f.attrs["format"])
        d.int(f.attrs["format_version"])
        for section, group in (("model", model), ("optimizer", optimizer)):
            d.text(section)
            d.int(len(group))
            for name in sorted(group):
                d.text(name)
                d.int(group[name].ndim)
                for dim in group[name].shape:
                    d.int(dim)
                d.raw(group[name].astype("<f4").tobytes())
        d.text("optimizer_scalars")
        d.int(len(scalars))
        for name in sorted(scalars):
            d.text(name)
            d.raw(struct.pack("<d", scalars[name]))
        d.text("rng_state")
        d.int(len(rng))
        d.raw(rng.astype("<u8").tobytes())
        d.text("training_state")
        d.int(len(training))
        for name in sorted(training):
            d.text(name)
            d.int(training[name])
        d.text("config")
        d.text(config)

        raw = open(path, "rb").read()
        length, body_crc, header_crc = struct.unpack("<QII", raw[16:32])
        print(json.dumps({
            "tensors": {name: {"shape": list(t.shape), "values": [float(x) for x in t.ravel()]}
                        for name, t in {**{"model/" + k: v for k, v in model.items()},
                                        **{"optimizer/" + k: v for k, v in optimizer.items()}}.items()},
            "scalar_bits": {k: str(struct.unpack("<Q", struct.pack("<d", v))[0]) for k, v in scalars.items()},
            "training": training,
            "rng": [str(int(x)) for x in rng],
            "config": config,
            "format_version": int(f.attrs["format_version"]),
            "stored_checksum": int(f.attrs["checksum"]),
            "python_checksum": d.crc,
            "seal_magic": raw[:16].decode("ascii"),
            "seal_checks": [length == len(raw), body_crc == crc32c(raw[512:]), header_crc == crc32c(raw[:28])],
        }))
        """#
        let output = try PythonRunner.run(script, arguments: [path])
        let seen = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])

        let seenTensors = try XCTUnwrap(seen["tensors"] as? [String: [String: Any]])
        let expected = checkpoint.tensors.map { ("model/" + $0.key, $0.value) }
            + checkpoint.optimizerTensors.map { ("optimizer/" + $0.key, $0.value) }
        XCTAssertEqual(Set(seenTensors.keys), Set(expected.map(\.0)))
        for (name, tensor) in expected {
            XCTAssertEqual(seenTensors[name]?["shape"] as? [Int], tensor.shape, name)
            XCTAssertEqual((seenTensors[name]?["values"] as? [Double])?.map { Float($0) }, tensor.values, name)
        }
        XCTAssertEqual((seen["scalar_bits"] as? [String: String])?.mapValues { UInt64($0) },
                       checkpoint.optimizerScalars.mapValues { $0.bitPattern })
        XCTAssertEqual((seen["training"] as? [String: Int])?.mapValues { Int64($0) }, checkpoint.trainingState)
        XCTAssertEqual((seen["rng"] as? [String])?.compactMap { UInt64($0) }, checkpoint.rngState)
        XCTAssertEqual(seen["config"] as? String, checkpoint.configJSON)
        XCTAssertEqual(seen["format_version"] as? Int, Int(Checkpoint.formatVersion))
        XCTAssertEqual(seen["stored_checksum"] as? Int, Int(checkpoint.checksum))
        XCTAssertEqual(seen["python_checksum"] as? Int, Int(checkpoint.checksum))
        XCTAssertEqual(seen["seal_magic"] as? String, "SAFEMCP-CHECKPT\n")
        XCTAssertEqual(seen["seal_checks"] as? [Bool], [true, true, true])
    }
}
