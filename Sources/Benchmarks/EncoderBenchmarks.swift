import Foundation
import TextEncoder

/// Speed and memory of the Swift all-MiniLM-L6-v2 encoder as it loads by default (its AVX-512
/// kernels where the CPU has them, see `EncoderKernels`), against ONNX Runtime on this kind of
/// machine (2 threads). sentence-transformers on PyTorch, for scale: 170 / 54 / 28 sent/s and
/// 10.4 ms on the same rows.
public struct EncoderBenchmarks: BenchmarkSection {
    public let name = "encoder"

    public init() {}

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        let start = Stopwatch.now()
        var encoder: MiniLMEncoder? = try MiniLMEncoder()
        log(String(format: "loaded all-MiniLM-L6-v2 in %.2f s, VmRSS %.0f MB", Stopwatch.now() - start, Self.residentMegabytes() ?? .nan))

        var results = try measureSpeed(encoder!, target: .ratioAtLeast(1), log: log)
        if let resident = Self.residentMegabytes() {
            results.append(BenchmarkResult(section: name, name: "resident memory with the encoder loaded", value: resident, unit: "MB",
                                           target: .atMost(250)))
        }
        // For comparison, without a target: the same rows on OpenBLAS's sgemm with the kernels
        // OpenBLAS selected (OPENBLAS_CORETYPE), the encoder's other kernel set.
        if encoder!.weights.kernels == .avx512 {
            encoder = nil
            results += try measureSpeed(MiniLMEncoder(folder: MiniLMFolder.locate(), kernels: .blas), target: nil, log: log)
        }
        return results
    }

    /// Sentences per second at three lengths and the latency of one sentence, each row named
    /// after the kernels that ran it.
    func measureSpeed(_ encoder: MiniLMEncoder, target: Target?, log: (String) -> Void) throws -> [BenchmarkResult] {
        let kernels = encoder.weights.kernels == .avx512 ? "AVX-512 kernels" : "OpenBLAS \(OpenBLASKernels.coreName) sgemm"
        var results: [BenchmarkResult] = []
        for (batch, pieces, onnx) in [(32, 40, 380.0), (32, 128, 90.0), (8, 256, 38.0)] {
            let texts = Self.texts(count: batch, wordPieces: pieces, tokenizer: encoder.tokenizer)
            let iterations = max(1, 64 / batch * 40 / pieces)
            let cpuBefore = Self.processCPUSeconds()
            let seconds = try Stopwatch.secondsPerCall(iterations: iterations) {
                _ = try encoder.embed(texts)
            }
            // Stopwatch makes 1 warm-up and 5 timed rounds.
            let cpuPerCall = (Self.processCPUSeconds() - cpuBefore) / Double(6 * iterations)
            let rate = Double(batch) / seconds
            log("\(kernels), " + String(format: "batch %d × %d word pieces: %.1f sentences/s (wall), %.1f sentences per CPU-second",
                                          batch, pieces, rate, Double(batch) / cpuPerCall) + ", load average \(Self.loadAverage())")
            results.append(BenchmarkResult(section: name, name: "batch \(batch), ~\(pieces) word pieces, \(kernels)", value: rate,
                                           unit: "sent/s", reference: Reference(label: "ONNX Runtime", value: onnx, higherIsBetter: true),
                                           target: target))
        }
        let single = Self.texts(count: 1, wordPieces: 40, tokenizer: encoder.tokenizer)
        let cpuBefore = Self.processCPUSeconds()
        let latency = try Stopwatch.secondsPerCall(iterations: 50) { _ = try encoder.embed(single) } * 1000
        let cpuMilliseconds = (Self.processCPUSeconds() - cpuBefore) / Double(6 * 50) * 1000
        log("\(kernels), " + String(format: "batch 1 × 40 word pieces: %.2f ms (wall), %.2f CPU-ms over all threads", latency, cpuMilliseconds)
            + ", load average \(Self.loadAverage())")
        results.append(BenchmarkResult(section: name, name: "batch 1 latency, ~40 word pieces, \(kernels)", value: latency, unit: "ms",
                                       reference: Reference(label: "ONNX Runtime", value: 4.2, higherIsBetter: false),
                                       target: target))
        return results
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
