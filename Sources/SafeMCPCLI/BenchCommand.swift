import ArgumentParser
import Benchmarks
import Foundation
import KernelThreads
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed against the reference figures and print the ratios.",
        discussion: """
        Run from a release build (`make bench`). Figures depend on OPENBLAS_NUM_THREADS and on \
        whatever else the machine is doing; the ratio column compares with figures measured for \
        the same work on this kind of machine.
        """
    )

    @Option(name: .long, help: "Run only the sections whose name contains this text.")
    var only: String?

    @Flag(name: .long, help: "Print one JSON object on stdout instead of the table.")
    var json = false

    static let sections: [BenchmarkSection] = [
        NumericBenchmarks(),
        HDF5StoreBenchmark(),
        EncoderBenchmarks(),
        EmulatorBenchmarks(),
        ProxyBenchmarks(proxyExecutable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path),
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
