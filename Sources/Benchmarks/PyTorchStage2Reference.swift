import Foundation

/// PyTorch doing the stage-2 training step of `SupervisedInit.benchmarkStep` —
/// `tools/bench_torch_stage2.py` run by the Python of `.venv-torch` (made by
/// `tools/bench-torch.sh`) — measured in the same run as ours, so both see the same machine load.
struct PyTorchStage2Reference {
    static let environmentVariable = ReferencePython.Environment.torch.variable
    static let scriptSubpath = "tools/bench_torch_stage2.py"
    static let venvPythonSubpath = ReferencePython.Environment.torch.pythonSubpath

    let runner: ReferencePython
    var python: String { runner.python }
    var script: String { runner.path(of: Self.scriptSubpath) }

    /// What the script prints.
    struct Measurement: Decodable {
        let torch: String
        let threads: Int
        /// Wall-clock rates, by batch size.
        let examplesPerSecond: [String: Double]
        /// Rates per second of the process's CPU time, by batch size.
        let examplesPerCPUSecond: [String: Double]

        enum CodingKeys: String, CodingKey {
            case torch, threads
            case examplesPerSecond = "examples_per_second"
            case examplesPerCPUSecond = "examples_per_cpu_second"
        }

        init(torch: String, threads: Int, examplesPerSecond: [String: Double], examplesPerCPUSecond: [String: Double]) {
            self.torch = torch
            self.threads = threads
            self.examplesPerSecond = examplesPerSecond
            self.examplesPerCPUSecond = examplesPerCPUSecond
        }

        /// The higher figures of the two for each batch size.
        func faster(_ other: Measurement) -> Measurement {
            Measurement(torch: torch, threads: threads,
                        examplesPerSecond: examplesPerSecond.merging(other.examplesPerSecond, uniquingKeysWith: max),
                        examplesPerCPUSecond: examplesPerCPUSecond.merging(other.examplesPerCPUSecond, uniquingKeysWith: max))
        }
    }

    /// `.venv-torch`'s interpreter (`ReferencePython.locate`); nil when there is none.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                       currentDirectory: String = FileManager.default.currentDirectoryPath,
                       executablePath: String? = Bundle.main.executablePath) throws -> PyTorchStage2Reference? {
        try ReferencePython.locate(.torch, script: scriptSubpath, environment: environment, currentDirectory: currentDirectory,
                                   executablePath: executablePath).map(PyTorchStage2Reference.init)
    }

    /// PyTorch's best examples per second for each batch size, of two runs: with OpenMP's
    /// default wait policy, whose threads spin between operations (fastest on an idle machine),
    /// and with `OMP_WAIT_POLICY=PASSIVE`, whose threads sleep (several times faster when other
    /// processes want the cores, as on a shared machine).
    func measureFastest(batchSizes: [Int], toolsPerStep: Int, log: (String) -> Void) throws -> Measurement {
        let environment = ProcessInfo.processInfo.environment
        var passive = environment
        passive["OMP_WAIT_POLICY"] = "PASSIVE"
        var fastest: Measurement?
        for (label, runEnvironment) in [("default OpenMP wait policy", environment), ("OMP_WAIT_POLICY=PASSIVE", passive)] {
            let measurement = try measure(batchSizes: batchSizes, toolsPerStep: toolsPerStep, environment: runEnvironment)
            let rates = batchSizes.map {
                String(format: "batch %d: %.0f examples/s (wall), %.0f per CPU-second", $0, measurement.examplesPerSecond[String($0)]!,
                       measurement.examplesPerCPUSecond[String($0)]!)
            }
            log("PyTorch, \(label), " + rates.joined(separator: "; ") + ", load average \(EncoderBenchmarks.loadAverage())")
            fastest = fastest.map { $0.faster(measurement) } ?? measurement
        }
        return fastest!
    }

    /// Examples per second for each batch size in one run of the script; its progress goes to
    /// our stderr.
    func measure(batchSizes: [Int], toolsPerStep: Int, environment: [String: String]) throws -> Measurement {
        let measurement = try runner.run(Self.scriptSubpath, arguments: ["--tools-per-step", String(toolsPerStep), "--batches"] + batchSizes.map(String.init),
                                         environment: environment, as: Measurement.self)
        for batch in batchSizes where measurement.examplesPerSecond[String(batch)] == nil || measurement.examplesPerCPUSecond[String(batch)] == nil {
            throw BenchmarkFailure("\(script) printed no figure for batch \(batch)")
        }
        return measurement
    }
}
