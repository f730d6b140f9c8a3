import ArgumentParser
import Benchmarks
import Foundation
import KernelThreads
import NeuralNet
import TextEncoder
import Training

/// `safemcp-bench`: the benchmarks, built as their own executable beside `safemcp` so the
/// shipped command line carries no benchmark code (as swift-nio keeps its performance tester
/// apart). The proxy section starts the `safemcp` built beside it.
@main
struct SafeMCPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safemcp-bench",
        abstract: "Measure speed beside the references, measured in the same run, and print the ratios.",
        discussion: """
        Run from a release build (`make bench`, which makes .venv-torch with PyTorch, ONNX Runtime \
        and sentence-transformers). Figures depend on OPENBLAS_NUM_THREADS and on whatever else \
        the machine is doing: each reference does the same work in the same run, and the load \
        column gives the 1-minute load average when each section started and ended.
        """
    )

    /// The same start as `safemcp`'s: the OpenBLAS core this CPU runs best, and a bad
    /// `SAFEMCP_NETWORK_KERNELS` refused before any section runs.
    static func main() {
        OpenBLASKernels.preferModernCore()
        if case .failure(let error) = NetworkKernels.configured() {
            Self.exit(withError: ValidationError(error.description))
        }
        main(nil)
    }

    @Option(name: .long, help: "Run only the sections whose name contains this text.")
    var only: String?

    @Flag(name: .long, help: "Print one JSON object on stdout instead of the table.")
    var json = false

    static let sections: [BenchmarkSection] = [
        NumericBenchmarks(),
        HDF5StoreBenchmark(),
        EncoderBenchmarks(),
        EmulatorBenchmarks(),
        ProxyBenchmarks(proxyExecutable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("safemcp").path),
        TrainingBenchmarks(),
    ]

    /// /proc/loadavg's three load averages, or "unknown".
    static func loadAverages() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { $0.split(separator: " ").prefix(3).joined(separator: ", ") } ?? "unknown"
    }

    static func oneMinuteLoad() -> Double? {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
    }

    func run() throws {
        let selected = Self.sections.filter { only == nil || $0.name.localizedCaseInsensitiveContains(only!) }
        var measurements: [BenchmarkResult] = []
        let started = Date()
        for section in selected {
            FileHandle.standardError.write(Data("bench: \(section.name), load average \(Self.loadAverages())\n".utf8))
            let loadBefore = Self.oneMinuteLoad()
            var sectionResults = try section.run { line in
                FileHandle.standardError.write(Data("bench:   \(line)\n".utf8))
            }
            let loadAfter = Self.oneMinuteLoad()
            if let loadBefore, let loadAfter {
                for index in sectionResults.indices { sectionResults[index].loadAverage = [loadBefore, loadAfter] }
            }
            measurements += sectionResults
        }
        let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset"
        let cpu = CPUFeatures.modelDescription
        let kernels = RunFacts.kernelsInUse()
        let date = ISO8601DateFormatter().string(from: started)
        if json {
            struct Output: Encodable {
                let date: String; let openblasThreads: String; let cpu: String; let cores: Int; let kernels: String; let measurements: [BenchmarkResult]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let output = Output(date: date, openblasThreads: threads, cpu: cpu, cores: ProcessInfo.processInfo.activeProcessorCount, kernels: kernels,
                                measurements: measurements)
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else {
            print("\(date); CPU: \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores; kernels: \(kernels); OPENBLAS_NUM_THREADS=\(threads)")
            print("load average (1, 5, 15 min) at the end: \(Self.loadAverages()); the load column: 1-minute load when each section started and ended, our own threads included")
            print(BenchmarkTable(measurements).render())
        }
    }
}
