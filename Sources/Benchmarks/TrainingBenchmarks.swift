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
/// PyTorch's alternate `attempts` times and each side keeps its best: the figures of the least
/// disturbed moments, closest to what an idle machine gives both.
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
        var ours: [(batch: Int, kernels: KernelSet, examplesPerSecond: Double)] = []
        var reference: PyTorchStage2Reference.Measurement?
        let used = NetworkKernels.current
        defer { NetworkKernels.current = used }
        for attempt in 1...(pytorch == nil ? 1 : Self.attempts) {
            var measured: [(batch: Int, kernels: KernelSet, examplesPerSecond: Double)] = []
            for kernels in KernelSet.allCases where kernels.isSupported {
                NetworkKernels.current = kernels
                measured += measure(kernels, log: log)
            }
            ours = ours.isEmpty ? measured : zip(ours, measured).map { $0.examplesPerSecond >= $1.examplesPerSecond ? $0 : $1 }
            if let pytorch {
                log("PyTorch, attempt \(attempt) of \(Self.attempts), the same step with \(pytorch.python)")
                let measurement = try pytorch.measureFastest(batchSizes: Self.batchSizes, toolsPerStep: Self.toolsPerStep, log: log)
                reference = reference.map { $0.faster(measurement) } ?? measurement
            }
        }
        return ours.map { measured in
            BenchmarkResult(
                section: name, name: "stage-2 training step, batch \(measured.batch), \(Self.toolsPerStep) tools each, \(Self.label(measured.kernels))",
                value: measured.examplesPerSecond, unit: "examples/s",
                reference: reference.map {
                    Reference(label: "PyTorch \($0.torch), \($0.threads) threads", value: $0.examplesPerSecond[String(measured.batch)]!,
                              higherIsBetter: true)
                },
                target: measured.batch == Self.targetBatch && measured.kernels == used ? .ratioAtLeast(Self.targetRatio) : nil)
        }
    }

    static func label(_ kernels: KernelSet) -> String {
        kernels == .avx512 ? "our AVX-512 kernels" : "OpenBLAS \(OpenBLASKernels.coreName) sgemm"
    }

    /// Our examples per second at each batch size, with `kernels`, the ones now selected.
    func measure(_ kernels: KernelSet, log: (String) -> Void) -> [(batch: Int, kernels: KernelSet, examplesPerSecond: Double)] {
        Self.batchSizes.map { batch in
            let step = SupervisedInit.benchmarkStep(batchSize: batch, toolsPerStep: Self.toolsPerStep)
            let iterations = max(1, 640 / batch)
            let cpuBefore = NumericBenchmarks.processCPUSeconds()
            let rate = Double(batch) / Stopwatch.secondsPerCall(iterations: iterations, step)
            // Stopwatch makes 1 warm-up and 5 timed rounds.
            let cpuPerStep = (NumericBenchmarks.processCPUSeconds() - cpuBefore) / Double(6 * iterations)
            log("\(Self.label(kernels)), " + String(format: "stage 2, batch %d: %.0f examples/s (wall), %.0f per CPU-second", batch, rate,
                                        Double(batch) / cpuPerStep) + ", load average \(EncoderBenchmarks.loadAverage())")
            return (batch, kernels, rate)
        }
    }
}
