import Training

/// Stage-2 training throughput: examples per second through a full training step of the policy
/// (MiniLM-sized features, 8 tools per example), at the batch sizes training uses.
public struct TrainingBenchmarks: BenchmarkSection {
    public let name = "training"

    public init() {}

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []
        for batch in [32, 64] {
            let step = SupervisedInit.benchmarkStep(batchSize: batch, toolsPerStep: 8)
            let seconds = Stopwatch.secondsPerCall(iterations: max(1, 640 / batch), step)
            let rate = Double(batch) / seconds
            log(String(format: "stage 2, batch %d: %.0f examples/s", batch, rate))
            results.append(BenchmarkResult(section: name, name: "stage-2 training step, batch \(batch), 8 tools each", value: rate, unit: "examples/s"))
        }
        return results
    }
}
