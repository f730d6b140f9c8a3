import Foundation
import TextEncoder

/// Speed and memory of the Swift all-MiniLM-L6-v2 encoder as it loads by default (its AVX-512
/// kernels where the CPU has them, see `EncoderKernels`), against ONNX Runtime and
/// sentence-transformers embedding the same texts from the same weights in the same run
/// (`EncoderReferences`, with as many threads as ours). For comparison, without a target, the same rows on
/// OpenBLAS's sgemm, the encoder's other kernel set.
public struct EncoderBenchmarks: BenchmarkSection {
    public let name = "encoder"
    /// Ours and the references take turns this many times; each figure is the median.
    static let attempts = 3

    public init() {}

    /// One row: `batch` texts of `wordPieces` tokens each, embedded `iterations` times a round.
    struct Row {
        let name: String
        let batch: Int
        let wordPieces: Int
        let iterations: Int
        let isLatency: Bool
    }

    static let rows = [
        Row(name: "batch 32, ~40 word pieces", batch: 32, wordPieces: 40, iterations: 2, isLatency: false),
        Row(name: "batch 32, ~128 word pieces", batch: 32, wordPieces: 128, iterations: 1, isLatency: false),
        Row(name: "batch 8, ~256 word pieces", batch: 8, wordPieces: 256, iterations: 1, isLatency: false),
        Row(name: "batch 1 latency, ~40 word pieces", batch: 1, wordPieces: 40, iterations: 50, isLatency: true),
    ]

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        let start = Stopwatch.now()
        let folder = try MiniLMFolder.locate()
        let encoder = try MiniLMEncoder(folder: folder)
        log(String(format: "loaded all-MiniLM-L6-v2 in %.2f s, VmRSS %.0f MB", Stopwatch.now() - start, Self.residentMegabytes() ?? .nan))
        let resident = Self.residentMegabytes()
        let blas = encoder.weights.kernels == .blas ? nil : try MiniLMEncoder(folder: folder, kernels: .blas)
        let texts = Self.rows.map { Self.texts(count: $0.batch, wordPieces: $0.wordPieces, tokenizer: encoder.tokenizer) }

        let references = try EncoderReferences.locate()
        if references == nil {
            log("no ONNX Runtime or sentence-transformers comparison: \(ReferencePython.Environment.torch.pythonSubpath) not found; run tools/bench-torch.sh to make it")
        }
        var ours: [[String: Double]] = [], oursBLAS: [[String: Double]] = []
        var theirs: [String: [[String: Double]]] = [:]
        var measured: EncoderReferences.Measurement?
        for attempt in 1...(references == nil ? 1 : Self.attempts) {
            log("attempt \(attempt) of \(Self.attempts)")
            ours.append(try measure(encoder, texts: texts, log: log))
            if let blas { oursBLAS.append(try measure(blas, texts: texts, log: log)) }
            if let references {
                let measurement = try references.measure(rows: zip(Self.rows, texts).map { .init(name: $0.name, texts: $1, iterations: $0.iterations) },
                                                         folder: folder)
                log("ONNX Runtime \(measurement.versions["onnxruntime"] ?? "?") and sentence-transformers "
                    + "\(measurement.versions["sentence-transformers"] ?? "?"), largest difference between their embeddings "
                    + String(format: "%.2g", measurement.maxAbsDifference) + ", load average \(Self.loadAverage())")
                for (implementation, seconds) in measurement.secondsPerCall { theirs[implementation, default: []].append(seconds) }
                measured = measurement
            }
        }

        let referenceLabels = [("onnxruntime", "ONNX Runtime"), ("sentence-transformers", "sentence-transformers")]
        let referenceSeconds = theirs.mapValues(Stopwatch.medians)
        func results(_ runs: [[String: Double]], kernels: MiniLMEncoder, target: Target?) -> [BenchmarkResult] {
            let seconds = Stopwatch.medians(runs)
            let label = Self.label(kernels)
            return Self.rows.map { row in
                let references = referenceLabels.compactMap { key, label -> Reference? in
                    guard let value = referenceSeconds[key]?[row.name] else { return nil }
                    return Self.figure(row: row, seconds: value).map {
                        Reference(label: "\(label) \(measured?.versions[key] ?? "")", value: $0, higherIsBetter: !row.isLatency)
                    }
                }
                return BenchmarkResult(section: name, name: "\(row.name), \(label)", value: Self.figure(row: row, seconds: seconds[row.name]!)!,
                                       unit: row.isLatency ? "ms" : "sent/s", references: references, target: target)
            }
        }
        var all = results(ours, kernels: encoder, target: .ratioAtLeast(1))
        if let resident {
            all.append(BenchmarkResult(section: name, name: "resident memory with the encoder loaded", value: resident, unit: "MB",
                                       target: .atMost(250)))
        }
        if let blas { all += results(oursBLAS, kernels: blas, target: nil) }
        return all
    }

    /// Sentences per second, or milliseconds for the latency row.
    static func figure(row: Row, seconds: Double) -> Double? {
        guard seconds > 0 else { return nil }
        return row.isLatency ? seconds * 1000 : Double(row.batch) / seconds
    }

    static func label(_ encoder: MiniLMEncoder) -> String {
        switch encoder.weights.kernels {
        case .avx512: "AVX-512 kernels"
        case .avx2: "AVX2 kernel (attention on OpenBLAS \(OpenBLASKernels.coreName))"
        case .blas: "OpenBLAS \(OpenBLASKernels.coreName) sgemm"
        }
    }

    /// Seconds per call of each row, as the references time theirs (`Stopwatch`: one warm-up
    /// round, median of five).
    func measure(_ encoder: MiniLMEncoder, texts: [[String]], log: (String) -> Void) throws -> [String: Double] {
        var seconds: [String: Double] = [:]
        for (row, batch) in zip(Self.rows, texts) {
            let cpuBefore = Self.processCPUSeconds()
            let perCall = try Stopwatch.secondsPerCall(iterations: row.iterations) { _ = try encoder.embed(batch) }
            let cpuPerCall = (Self.processCPUSeconds() - cpuBefore) / Double(6 * row.iterations)
            log("\(Self.label(encoder)), \(row.name): " + String(format: "%.2f ms a call (wall), %.2f CPU-ms over all threads", perCall * 1000,
                                                                 cpuPerCall * 1000) + ", load average \(Self.loadAverage())")
            seconds[row.name] = perCall
        }
        return seconds
    }

    /// `count` different texts, each exactly `wordPieces` tokens long with `[CLS]` and `[SEP]`.
    static func texts(count: Int, wordPieces: Int, tokenizer: WordPieceTokenizer) -> [String] {
        let words = """
        the agent opened a terminal and listed every file in the shared project folder before \
        asking whether the deployment credentials should be rotated tonight or after review \
        because the quarterly audit flagged several unusual outbound transfers to unknown hosts \
        while the assistant summarised emails drafted replies scheduled meetings and updated the \
        customer database with corrected billing addresses and phone numbers
        """.split(separator: " ").map(String.init)
        return (0..<count).map { index in
            var text: [String] = []
            var position = index * 7
            while tokenizer.tokenIDs((text + [words[position % words.count]]).joined(separator: " "), maxTokens: 512).count <= wordPieces {
                text.append(words[position % words.count])
                position += 1
            }
            return text.joined(separator: " ")
        }
    }

    /// User plus system time of all this process's threads, OpenBLAS's included.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }

    /// The 1-minute load average, to judge how much other work shared the cores during a run.
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "unknown"
    }

    /// VmRSS of this process from /proc/self/status, in MB (10^6 bytes); nil where there is no /proc.
    static func residentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ")[1])
        else { return nil }
        return kilobytes * 1024 / 1e6
    }
}

/// ONNX Runtime and sentence-transformers embedding the benchmark's texts with all-MiniLM-L6-v2
/// from the same folder our encoder reads: `tools/bench_encoder_reference.py` run by the Python
/// of `.venv-torch`, which also exports the ONNX file once into that environment.
struct EncoderReferences {
    static let scriptSubpath = "tools/bench_encoder_reference.py"
    /// The two references must embed alike before their speeds are compared with ours.
    static let largestDifference = 1e-4

    /// As many threads as ours: OPENBLAS_NUM_THREADS, which `make bench` sets to the machine's 2 cores.
    static var threads: String { ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "2" }

    let runner: ReferencePython

    struct Row: Encodable {
        let name: String
        let texts: [String]
        let iterations: Int
    }

    struct Measurement: Decodable {
        let versions: [String: String]
        let threads: Int
        let maxAbsDifference: Double
        /// By implementation, then by row name.
        let secondsPerCall: [String: [String: Double]]

        enum CodingKeys: String, CodingKey {
            case versions, threads
            case maxAbsDifference = "max_abs_difference"
            case secondsPerCall = "seconds_per_call"
        }
    }

    static func locate() throws -> EncoderReferences? {
        try ReferencePython.locate(.torch, script: scriptSubpath).map(EncoderReferences.init)
    }

    /// One run of the script, with `OMP_WAIT_POLICY=PASSIVE`: PyTorch's OpenMP threads then
    /// sleep between operations instead of spinning, which made sentence-transformers 1.7 to
    /// 7.5 times faster in every row on this shared 2-core machine under a load of 9 to 14 (ONNX Runtime has its own thread
    /// pool and tries both of its settings itself).
    func measure(rows: [Row], folder: MiniLMFolder, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Measurement {
        var passive = environment
        passive["OMP_WAIT_POLICY"] = "PASSIVE"
        let input = try JSONEncoder().encode(["rows": rows])
        let cache = (runner.environmentFolder as NSString).appendingPathComponent("onnx")
        let measurement = try runner.run(Self.scriptSubpath, arguments: ["measure", "--model-dir", folder.path, "--cache-dir", cache,
                                                                         "--threads", Self.threads],
                                         input: input, environment: passive, as: Measurement.self)
        guard measurement.maxAbsDifference <= Self.largestDifference else {
            throw BenchmarkFailure("ONNX Runtime and sentence-transformers embed the benchmark texts differently (largest difference \(measurement.maxAbsDifference))")
        }
        for implementation in ["onnxruntime", "sentence-transformers"] {
            for row in rows where measurement.secondsPerCall[implementation]?[row.name] == nil {
                throw BenchmarkFailure("\(Self.scriptSubpath) printed no \(implementation) figure for \(row.name)")
            }
        }
        return measurement
    }
}
