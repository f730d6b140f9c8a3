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
        abstract: "Measure speed against the reference figures and print the ratios.",
        discussion: """
        Run from a release build (`make bench`). Figures depend on OPENBLAS_NUM_THREADS and on \
        whatever else the machine is doing; the ratio column compares with figures measured for \
        the same work on this kind of machine.
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

    func run() throws {
        let selected = Self.sections.filter { only == nil || $0.name.localizedCaseInsensitiveContains(only!) }
        var measurements: [BenchmarkResult] = []
        for section in selected {
            FileHandle.standardError.write(Data("bench: \(section.name)\n".utf8))
            measurements += try section.run { line in
                FileHandle.standardError.write(Data("bench:   \(line)\n".utf8))
            }
        }
        let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset"
        let cpu = CPUFeatures.modelName
        let kernels = RunFacts.kernelsInUse()
        if json {
            struct Output: Encodable { let openblasThreads: String; let cpu: String; let kernels: String; let measurements: [BenchmarkResult] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(Output(openblasThreads: threads, cpu: cpu, kernels: kernels, measurements: measurements)), as: UTF8.self))
        } else {
            print("CPU: \(cpu); kernels: \(kernels); OPENBLAS_NUM_THREADS=\(threads)")
            print(BenchmarkTable(measurements).render())
        }
    }
}
