import KernelThreads
import NeuralNet
import TextEncoder
import Training

/// Stage-2 training throughput: examples per second through a full training step of the policy
/// (MiniLM-sized features, 8 tools per example), at the batch sizes training uses, against
/// PyTorch doing the same step in the same run when `.venv-torch` exists (`PyTorchStage2Reference`).
/// It measures each `KernelSet` the CPU runs (`NetworkKernels`): our AVX-512 kernels, which training
/// uses where the CPU has AVX-512 (the target is on that row), and OpenBLAS with the kernels it
/// was configured with (this machine kind pins Haswell's AVX2 ones; PyTorch picks AVX-512 by
/// itself).
///
/// On a shared machine one measurement swings several-fold with the other jobs, so ours and
/// PyTorch's alternate `attempts` times and each figure is the median of its attempts.
public struct TrainingBenchmarks: BenchmarkSection {
    public let name = "training"
    static let batchSizes = [32, 64]
    static let toolsPerStep = 8
    static let attempts = 3
    /// The target: at least 3× PyTorch's throughput at batch 32.
    static let targetBatch = 32
    static let targetRatio = 3.0

    public init() {}

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        let pytorch = try PyTorchStage2Reference.locate()
        if pytorch == nil {
            log("no PyTorch comparison: \(PyTorchStage2Reference.venvPythonSubpath) not found; run tools/bench-torch.sh to make it (or set \(PyTorchStage2Reference.environmentVariable))")
        }
        let kernelSets = NetworkKernels.offered.filter(\.isSupported)
        var ours: [[String: Double]] = [], theirs: [[String: Double]] = []
        var reference: PyTorchStage2Reference.Measurement?
        let used = NetworkKernels.current
        defer { NetworkKernels.current = used }
        for attempt in 1...(pytorch == nil ? 1 : Self.attempts) {
            var measured: [String: Double] = [:]
            for kernels in kernelSets {
                NetworkKernels.current = kernels
                for (batch, rate) in measure(kernels, log: log) { measured[Self.key(kernels, batch)] = rate }
            }
            ours.append(measured)
            if let pytorch {
                log("PyTorch, attempt \(attempt) of \(Self.attempts), the same step with \(pytorch.python)")
                let measurement = try pytorch.measureFastest(batchSizes: Self.batchSizes, toolsPerStep: Self.toolsPerStep, log: log)
                theirs.append(measurement.examplesPerSecond)
                reference = measurement
            }
        }
        let (rates, referenceRates) = (Stopwatch.medians(ours), Stopwatch.medians(theirs))
        return kernelSets.flatMap { kernels in
            Self.batchSizes.map { batch in
                BenchmarkResult(
                    section: name, name: "stage-2 training step, batch \(batch), \(Self.toolsPerStep) tools each, \(Self.label(kernels))",
                    value: rates[Self.key(kernels, batch)]!, unit: "examples/s",
                    references: reference.flatMap { measurement in
                        referenceRates[String(batch)].map {
                            [Reference(label: "PyTorch \(measurement.torch), \(measurement.threads) threads", value: $0, higherIsBetter: true)]
                        }
                    } ?? [],
                    target: batch == Self.targetBatch && kernels == used ? .ratioAtLeast(Self.targetRatio) : nil)
            }
        }
    }

    static func key(_ kernels: KernelSet, _ batch: Int) -> String {
        "\(kernels.rawValue) \(batch)"
    }

    static func label(_ kernels: KernelSet) -> String {
        kernels == .avx512 ? "our AVX-512 kernels" : "OpenBLAS \(OpenBLASKernels.coreName) sgemm"
    }

    /// Our examples per second at each batch size, with `kernels`, the ones now selected.
    func measure(_ kernels: KernelSet, log: (String) -> Void) -> [(batch: Int, examplesPerSecond: Double)] {
        Self.batchSizes.map { batch in
            let step = SupervisedInit.benchmarkStep(batchSize: batch, toolsPerStep: Self.toolsPerStep)
            let iterations = max(1, 640 / batch)
            let cpuBefore = NumericBenchmarks.processCPUSeconds()
            let rate = Double(batch) / Stopwatch.secondsPerCall(iterations: iterations, step)
            // Stopwatch makes 1 warm-up and 5 timed rounds.
            let cpuPerStep = (NumericBenchmarks.processCPUSeconds() - cpuBefore) / Double(6 * iterations)
            log("\(Self.label(kernels)), " + String(format: "stage 2, batch %d: %.0f examples/s (wall), %.0f per CPU-second", batch, rate,
                                        Double(batch) / cpuPerStep) + ", load average \(EncoderBenchmarks.loadAverage())")
            return (batch, rate)
        }
    }
}
