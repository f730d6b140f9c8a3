import Training

/// Stage-2 training throughput: examples per second through a full training step of the policy
/// (MiniLM-sized features, 8 tools per example), at the batch sizes training uses, against
/// PyTorch doing the same step in the same run when `.venv-torch` exists (`PyTorchStage2Reference`).
public struct TrainingBenchmarks: BenchmarkSection {
    public let name = "training"
    static let batchSizes = [32, 64]
    static let toolsPerStep = 8
    /// The target: at least 3× PyTorch's throughput at batch 32.
    static let targetBatch = 32
    static let targetRatio = 3.0

    public init() {}

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        var ours: [Int: Double] = [:]
        for batch in Self.batchSizes {
            let step = SupervisedInit.benchmarkStep(batchSize: batch, toolsPerStep: Self.toolsPerStep)
            let seconds = Stopwatch.secondsPerCall(iterations: max(1, 640 / batch), step)
            ours[batch] = Double(batch) / seconds
            log(String(format: "stage 2, batch %d: %.0f examples/s", batch, ours[batch]!) + ", load average \(EncoderBenchmarks.loadAverage())")
        }
        var reference: PyTorchStage2Reference.Measurement?
        if let pytorch = try PyTorchStage2Reference.locate() {
            log("PyTorch, the same step with \(pytorch.python)")
            reference = try pytorch.measure(batchSizes: Self.batchSizes, toolsPerStep: Self.toolsPerStep)
            log("PyTorch measured, load average \(EncoderBenchmarks.loadAverage())")
        } else {
            log("no PyTorch comparison: \(PyTorchStage2Reference.venvPythonSubpath) not found; run tools/bench-torch.sh to make it (or set \(PyTorchStage2Reference.environmentVariable))")
        }
        return Self.batchSizes.map { batch in
            BenchmarkResult(
                section: name, name: "stage-2 training step, batch \(batch), \(Self.toolsPerStep) tools each", value: ours[batch]!,
                unit: "examples/s",
                reference: reference.map {
                    Reference(label: "PyTorch \($0.torch), \($0.threads) threads", value: $0.examplesPerSecond[String(batch)]!, higherIsBetter: true)
                },
                target: batch == Self.targetBatch ? .ratioAtLeast(Self.targetRatio) : nil)
        }
    }
}
