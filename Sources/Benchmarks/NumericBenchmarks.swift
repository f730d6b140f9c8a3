import Foundation
import NeuralNet

/// The numeric core: raw sgemm speed, and training and inference of the action classifier
/// (Agent Action Guard's shape: 384 → 128 → 64 → 3, each hidden block Linear + LayerNorm +
/// GELU + Dropout 0.1, weighted softmax cross-entropy, Adam), against PyTorch doing the same in
/// the same run (`tools/bench_torch_classifier.py` in `.venv-torch`).
public struct NumericBenchmarks: BenchmarkSection {
    public let name = "numeric"
    static let trainingBatches = [4, 32, 256]
    /// Ours and PyTorch take turns this many times; each figure is the median.
    static let attempts = 3

    public init() {}

    /// What `tools/bench_torch_classifier.py` prints.
    struct PyTorchMeasurement: Decodable {
        let torch: String
        let threads: Int
        let trainingSeconds: [String: Double]
        let inferenceSeconds: Double

        enum CodingKeys: String, CodingKey {
            case torch, threads
            case trainingSeconds = "training_seconds"
            case inferenceSeconds = "inference_seconds"
        }
    }

    public func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []
        let shapes: [(label: String, m: Int, k: Int, n: Int)] = [
            ("128³", 128, 128, 128), ("512³", 512, 512, 512), ("1024³", 1024, 1024, 1024),
            ("32×384·384×128", 32, 384, 128), ("256×384·384×128", 256, 384, 128),
        ]
        for shape in shapes {
            let gflops = Self.sgemmGFLOPS(m: shape.m, k: shape.k, n: shape.n)
            log("sgemm \(shape.label): \(gflops) GFLOPS")
            results.append(BenchmarkResult(section: name, name: "sgemm \(shape.label)", value: gflops, unit: "GFLOPS"))
        }

        let pytorch = try ReferencePython.locate(.torch, script: Self.pytorchScript)
        if pytorch == nil {
            log("no PyTorch comparison: \(ReferencePython.Environment.torch.pythonSubpath) not found; run tools/bench-torch.sh to make it")
        }
        var wall: [[String: Double]] = [], cpu: [[String: Double]] = [], theirs: [[String: Double]] = []
        var version = ""
        for attempt in 1...(pytorch == nil ? 1 : Self.attempts) {
            var ourWall: [String: Double] = [:], ourCPU: [String: Double] = [:]
            for batch in Self.trainingBatches {
                let timing = Self.trainingStepSeconds(batch: batch)
                log("attempt \(attempt), training batch \(batch): \(Double(batch) / timing.wall) samples/s, \(Double(batch) / timing.cpu) samples per CPU-second")
                (ourWall["\(batch)"], ourCPU["\(batch)"]) = (timing.wall, timing.cpu)
            }
            let inference = Self.inferenceSeconds()
            log("attempt \(attempt), inference, one sample: \(inference.wall * 1e6) µs, \(inference.cpu * 1e6) µs of CPU time")
            (ourWall["inference"], ourCPU["inference"]) = (inference.wall, inference.cpu)
            wall.append(ourWall)
            cpu.append(ourCPU)
            if let pytorch {
                // As for the stage-2 step: OpenMP's default wait policy (threads spin, fastest on an
                // idle machine) and OMP_WAIT_POLICY=PASSIVE (threads sleep, far faster when other
                // processes want the cores); each figure keeps the faster.
                var passive = ProcessInfo.processInfo.environment
                passive["OMP_WAIT_POLICY"] = "PASSIVE"
                var figures: [String: Double] = [:]
                for environment in [ProcessInfo.processInfo.environment, passive] {
                    let run = try pytorch.run(Self.pytorchScript, arguments: ["--threads", EncoderReferences.threads, "--batches"]
                                                + Self.trainingBatches.map(String.init), environment: environment, as: PyTorchMeasurement.self)
                    var runFigures = run.trainingSeconds
                    runFigures["inference"] = run.inferenceSeconds
                    guard Set(runFigures.keys) == Set(ourWall.keys) else {
                        throw BenchmarkFailure("\(Self.pytorchScript) printed \(runFigures.keys.sorted()), not \(ourWall.keys.sorted())")
                    }
                    figures.merge(runFigures, uniquingKeysWith: min)
                    version = "PyTorch \(run.torch), \(run.threads) threads"
                }
                log("attempt \(attempt), \(version), the faster of both wait policies: " + Self.trainingBatches.map {
                    String(format: "batch %d %.0f samples/s", $0, Double($0) / figures["\($0)"]!)
                }.joined(separator: ", ") + String(format: ", inference %.1f µs", figures["inference"]! * 1e6)
                    + ", load average \(EncoderBenchmarks.loadAverage())")
                theirs.append(figures)
            }
        }
        let (ours, ourCPU, reference) = (Stopwatch.medians(wall), Stopwatch.medians(cpu), Stopwatch.medians(theirs))
        for batch in Self.trainingBatches {
            let target: Target? = batch == 32 ? .ratioAtLeast(3) : (batch == 256 ? .ratioAtLeast(1.3) : nil)
            results.append(BenchmarkResult(
                section: name, name: "classifier training, batch \(batch)", value: Double(batch) / ours["\(batch)"]!, unit: "samples/s",
                references: reference["\(batch)"].map { [Reference(label: version, value: Double(batch) / $0, higherIsBetter: true)] } ?? [],
                target: target))
            results.append(BenchmarkResult(
                section: name, name: "classifier training, batch \(batch), CPU time", value: Double(batch) / ourCPU["\(batch)"]!,
                unit: "samples/CPU-s"))
        }
        results.append(BenchmarkResult(
            section: name, name: "classifier inference, 1 sample", value: ours["inference"]! * 1e6, unit: "µs",
            references: reference["inference"].map { [Reference(label: version, value: $0 * 1e6, higherIsBetter: false)] } ?? [],
            target: .atMost(10)))
        results.append(BenchmarkResult(
            section: name, name: "classifier inference, 1 sample, CPU time", value: ourCPU["inference"]! * 1e6, unit: "CPU-µs"))
        return results
    }

    static let pytorchScript = "tools/bench_torch_classifier.py"

    /// Enough calls per timed round for about 0.2 s, judged from one call.
    static func iterations(for body: () -> Void) -> Int {
        let start = Stopwatch.now()
        body()
        let seconds = max(Stopwatch.now() - start, 1e-7)
        return max(1, Int(0.2 / seconds))
    }

    /// Wall-clock seconds per call (what the references measure) and CPU seconds per call, summed
    /// over all threads of the process: on a machine shared with other work the CPU time is
    /// the steadier figure, though with several BLAS threads it also counts their waiting.
    static func secondsPerCall(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        let count = iterations(for: body)
        let wall = Stopwatch.secondsPerCall(iterations: count, body)
        var rounds: [Double] = []
        for _ in 0..<5 {
            let start = processCPUSeconds()
            for _ in 0..<count { body() }
            rounds.append((processCPUSeconds() - start) / Double(count))
        }
        return (wall, rounds.sorted()[rounds.count / 2])
    }

    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    static func sgemmGFLOPS(m: Int, k: Int, n: Int) -> Double {
        var generator = RandomGenerator(seed: 1)
        let a = Matrix.randomNormal(rows: m, cols: k, using: &generator)
        let b = Matrix.randomNormal(rows: n, cols: k, using: &generator)
        var c = Matrix(rows: m, cols: n)
        let body = { Matrix.multiply(a, b, transposeB: true, into: &c) }
        let seconds = Stopwatch.secondsPerCall(iterations: iterations(for: body), body)
        return 2 * Double(m * k * n) / seconds / 1e9
    }

    static func makeClassifier(generator: inout RandomGenerator) -> Sequential {
        .classifier(inputs: 384, hidden: [128, 64], classes: 3, dropout: 0.1, generator: &generator)
    }

    /// Full steps (forward, loss, backward, Adam update) on random data made once.
    static func trainingStepSeconds(batch: Int) -> (wall: Double, cpu: Double) {
        var generator = RandomGenerator(seed: 2)
        let model = makeClassifier(generator: &generator)
        let optimizer = AdamW(parameters: model.parameters, configuration: .init(weightDecay: 0))
        let loss = SoftmaxCrossEntropy(classWeights: [1, 2, 3])
        let input = Matrix.randomNormal(rows: batch, cols: 384, using: &generator)
        let targets = (0..<batch).map { _ in generator.integer(below: 3) }
        return secondsPerCall {
            optimizer.zeroGradients()
            let logits = model.forward(input, training: true)
            model.backward(loss.evaluate(logits: logits, targets: targets).gradient)
            optimizer.update(learningRate: 1e-3)
        }
    }

    static func inferenceSeconds() -> (wall: Double, cpu: Double) {
        var generator = RandomGenerator(seed: 3)
        let model = makeClassifier(generator: &generator)
        let input = Matrix.randomNormal(rows: 1, cols: 384, using: &generator)
        var checksum: Float = 0
        let seconds = secondsPerCall { checksum += model.forward(input, training: false)[0, 0] }
        precondition(checksum.isFinite, "inference produced a non-finite logit")
        return seconds
    }
}
