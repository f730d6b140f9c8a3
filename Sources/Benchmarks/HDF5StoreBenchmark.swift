import Foundation
import HDF5Store

/// Speed of the HDF5 storage behind the episode dataset, the embedding cache and checkpoints.
/// The reference is h5py doing the same work in the same run (`tools/bench_h5py.py` in `.venv`).
public struct HDF5StoreBenchmark: BenchmarkSection {
    public let name = "hdf5"
    static let h5pyScript = "tools/bench_h5py.py"

    /// What the script prints.
    struct H5pyMeasurement: Decodable {
        let h5py: String
        let seconds: [String: Double]
    }

    public init() {}

    static let rows = 10_000
    static let width = 384

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safemcp-bench-hdf5-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let floats = Self.uniformFloats(count: Self.rows * Self.width)
        let texts = (0..<Self.rows).map { "step \($0): " + String(repeating: "the agent calls read_file with path /tmp/x and gets ü ", count: 4) }
        var results: [BenchmarkResult] = []
        func record(_ measurement: String, _ seconds: Double) {
            log("\(measurement): \(String(format: "%.4f", seconds)) s")
            results.append(BenchmarkResult(section: name, name: measurement, value: seconds, unit: "s"))
        }

        let floatsPath = folder.appendingPathComponent("floats.h5").path
        record("write 10k×384 float32, gzip 1 + shuffle", try Stopwatch.secondsPerCall(iterations: 1, rounds: 3) {
            let file = try HDF5File.create(floatsPath)
            try file.write(floats, shape: [Self.rows, Self.width], to: "embeddings")
            try file.close()
        })
        let reader = try HDF5File.open(floatsPath)
        record("read 10k×384 float32", try Stopwatch.secondsPerCall(iterations: 1, rounds: 5) {
            _ = try reader.read(Float.self, from: "embeddings")
        })
        record("read 32 rows of 384 float32", try Stopwatch.secondsPerCall(iterations: 100, rounds: 3) {
            _ = try reader.read(Float.self, from: "embeddings", rows: 5000..<5032)
        })
        try reader.close()

        let appendPath = folder.appendingPathComponent("append.h5").path
        record("append 100 × 100 rows of 384 float32", try Stopwatch.secondsPerCall(iterations: 1, rounds: 3) {
            let file = try HDF5File.create(appendPath)
            try file.write([Float](), shape: [0, Self.width], to: "embeddings")
            for batch in 0..<100 {
                let start = batch * 100 * Self.width
                try file.append(rows: Array(floats[start..<start + 100 * Self.width]), to: "embeddings")
            }
            try file.close()
        })

        let stringsPath = folder.appendingPathComponent("strings.h5").path
        record("write 10k UTF-8 strings", try Stopwatch.secondsPerCall(iterations: 1, rounds: 5) {
            let file = try HDF5File.create(stringsPath)
            try file.write(strings: texts, to: "texts")
            try file.close()
        })
        let stringReader = try HDF5File.open(stringsPath)
        record("read 10k UTF-8 strings", try Stopwatch.secondsPerCall(iterations: 1, rounds: 5) {
            _ = try stringReader.readStrings(from: "texts")
        })
        try stringReader.close()

        var checkpoint = Checkpoint(configJSON: "{}")
        for layer in 0..<4 {
            let start = layer * 256 * Self.width
            checkpoint.tensors["model/layer\(layer)/weight"] = .init(shape: [256, Self.width],
                                                                    values: Array(floats[start..<start + 256 * Self.width]))
            checkpoint.optimizerTensors["m/layer\(layer)/weight"] = checkpoint.tensors["model/layer\(layer)/weight"]
        }
        let checkpointPath = folder.appendingPathComponent("checkpoint.h5").path
        record("checkpoint save, 2 × 393k float32", try Stopwatch.secondsPerCall(iterations: 1, rounds: 3) {
            try checkpoint.save(to: checkpointPath)
        })
        record("checkpoint load and verify, 2 × 393k float32", try Stopwatch.secondsPerCall(iterations: 1, rounds: 3) {
            _ = try Checkpoint.load(from: checkpointPath)
        })
        guard let h5py = try ReferencePython.locate(.project, script: Self.h5pyScript) else {
            log("no h5py comparison: \(ReferencePython.Environment.project.pythonSubpath) not found; run tools/setup.sh to make it")
            return results
        }
        let reference = try h5py.run(Self.h5pyScript, arguments: [], as: H5pyMeasurement.self)
        log("h5py \(reference.h5py): " + reference.seconds.sorted { $0.key < $1.key }.map { "\($0.key) " + String(format: "%.4f s", $0.value) }
            .joined(separator: ", "))
        for figure in reference.seconds.keys where !results.contains(where: { $0.name == figure }) {
            throw BenchmarkFailure("\(Self.h5pyScript) printed \"\(figure)\", which no row measures")
        }
        for index in results.indices {
            guard let seconds = reference.seconds[results[index].name] else { continue }
            results[index].references = [Reference(label: "h5py \(reference.h5py)", value: seconds, higherIsBetter: false)]
        }
        return results
    }

    /// Uniform in [-1, 1) from xorshift64*, deterministic, so every run compresses the same data.
    static func uniformFloats(count: Int) -> [Float] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            let bits = (state &* 0x2545_F491_4F6C_DD1D) >> 40
            return Float(bits) / Float(1 << 24) * 2 - 1
        }
    }
}
