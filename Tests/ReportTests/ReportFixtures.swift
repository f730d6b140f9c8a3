import Foundation
import RunLog

/// Writes the fixture runs `run-a` (finished, evaluated) and `run-b` (still running, not
/// evaluated) in the layout of docs/runs.md, through `MetricsLog` so metrics.jsonl, metrics.csv
/// and the TensorBoard event file are the real thing. The committed copies in `Fixtures/` are
/// what this writes (`ReportFixtureTests` checks it; `tools/make-report-fixtures.sh` rewrites
/// them). Curves are made-up training shapes with seeded noise, not results.
enum ReportFixtures {
    static let runNames = ["run-a", "run-b"]

    static var committedDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// Tags every fixture run logs, in `TagDescription.readingOrder`.
    static let tags = [
        "stage1/loss", "stage1/val_cosine", "stage2/loss", "stage2/val_macro_f1",
        "rl/reward_safety", "rl/reward_utility", "rl/reward_tools", "rl/reward_combined", "rl/kl", "rl/lambda",
        "eval/libra",
    ]

    struct Shape {
        var seed: UInt64
        var speed: Double
        var rlSteps: Int
        var finished: Bool
    }

    static func shape(of run: String) -> Shape {
        run == "run-a"
            ? Shape(seed: 7, speed: 1.0, rlSteps: 250, finished: true)
            : Shape(seed: 11, speed: 0.75, rlSteps: 140, finished: false)
    }

    /// Replaces whatever is in `directory` with the named fixture run.
    static func write(run: String, to directory: URL) throws {
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let shape = shape(of: run)
        var noise = SeededNoise(seed: shape.seed)
        let startTime = 1_795_000_000.0
        do {
            let metrics = try MetricsLog(directory: directory)
            var clock = startTime
            func decay(_ step: Int, _ scale: Double) -> Double { exp(-Double(step) * shape.speed / scale) }

            for step in 0..<300 {
                clock += 0.5
                var scalars = [("stage1/loss", 0.25 + 0.9 * decay(step, 60) + noise.normal(0.03))]
                if step % 10 == 0 { scalars.append(("stage1/val_cosine", 0.92 - 0.6 * decay(step, 80) + noise.normal(0.01))) }
                try metrics.log(step: step, scalars, wallTime: clock)
            }
            for step in 0..<200 {
                clock += 0.4
                var scalars = [("stage2/loss", 0.35 + 0.7 * decay(step, 50) + noise.normal(0.04))]
                if step % 10 == 0 { scalars.append(("stage2/val_macro_f1", 0.85 - 0.45 * decay(step, 60) + noise.normal(0.015))) }
                try metrics.log(step: step, scalars, wallTime: clock)
            }
            for step in 0..<shape.rlSteps {
                clock += 1.2
                let safety = clamp(0.55 + 0.4 * (1 - decay(step, 80)) + noise.normal(0.06))
                let utility = clamp(0.8 - 0.08 * (1 - decay(step, 100)) + noise.normal(0.05))
                let tools = clamp(0.3 + 0.5 * (1 - decay(step, 120)) + noise.normal(0.07))
                var scalars = [
                    ("rl/reward_safety", safety), ("rl/reward_utility", utility), ("rl/reward_tools", tools),
                    ("rl/reward_combined", 0.5 * safety + 0.3 * utility + 0.2 * tools),
                    ("rl/kl", abs(0.02 * log(1 + Double(step) / 10) + noise.normal(0.003))),
                    ("rl/lambda", 1 + 0.5 * (1 - decay(step, 70))),
                ]
                if step % 50 == 0 { scalars.append(("eval/libra", 0.6 + 0.3 * (1 - decay(step, 100)) + noise.normal(0.01))) }
                try metrics.log(step: step, scalars, wallTime: clock)
            }
        }
        // The writer names its file after the host and process; a fixed name keeps the
        // committed fixture the same wherever it is regenerated.
        let contents = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        for name in contents where name.hasPrefix("events.out.tfevents.") {
            try FileManager.default.moveItem(at: directory.appendingPathComponent(name),
                                              to: directory.appendingPathComponent("events.out.tfevents.\(Int(startTime)).fixture"))
        }
        try runJSON(run, shape: shape).write(to: directory.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
        try configYAML(run, shape: shape).write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        if shape.finished {
            try evalJSON.write(to: directory.appendingPathComponent("eval.json"), atomically: true, encoding: .utf8)
        }
    }

    private static func clamp(_ value: Double) -> Double { min(1, max(0, value)) }

    private static func runJSON(_ run: String, shape: Shape) -> String {
        let ending = shape.finished
            ? "\"finished_at\": \"2026-11-22T00:52:13Z\",\n  \"duration_seconds\": 733.0,\n  \"status\": \"finished\","
            : "\"status\": \"running\","
        return """
        {
          "name": "\(run)",
          "command": "safemcp train --config configs/default.yaml --run \(run) --set seed=\(shape.seed)",
          "seed": \(shape.seed),
          "git_commit": "f5b1133",
          "openblas_threads": "2",
          "started_at": "2026-11-22T00:40:00Z",
          \(ending)
          "stages": ["stage1", "stage2", "stage3"]
        }

        """
    }

    private static func configYAML(_ run: String, shape: Shape) -> String {
        """
        # Resolved config of fixture run \(run): the file, every --set, every default.
        seed: \(shape.seed)
        data:
          train: data/train.h5
          note: "held-out <suites> & benign tasks"
        stage1:
          steps: 300
          learning_rate: 0.001
          batch_size: 64
        stage2:
          steps: 200
          learning_rate: 0.0005
        rl:
          steps: 250
          kl_coefficient: 0.05
          combination: lagrangian
          safety_target: 0.9

        """
    }

    static let evalJSON = """
    {
      "tables": [
        {
          "title": "Held-out tasks, project suites",
          "columns": ["safety", "utility", "libra", "over_blocking"],
          "rows": [
            {"name": "no defense", "values": {"safety": 0.41, "utility": 0.93, "libra": 0.58, "over_blocking": 0.0}},
            {"name": "static rules only", "values": {"safety": 0.66, "utility": 0.90, "libra": 0.74, "over_blocking": 0.05}},
            {"name": "action classifier only", "values": {"safety": 0.79, "utility": 0.85, "libra": 0.81, "over_blocking": 0.09}},
            {"name": "stage 2 only", "values": {"safety": 0.88, "utility": 0.87, "libra": 0.87, "over_blocking": 0.06}},
            {"name": "full pipeline", "values": {"safety": 0.97, "utility": 0.88, "libra": 0.91, "over_blocking": 0.03}}
          ]
        },
        {
          "title": "Labelled steps, held-out split",
          "columns": ["verdict_accuracy", "macro_f1", "unsafe_recall"],
          "rows": [
            {"name": "static rules only", "values": {"verdict_accuracy": 0.71, "macro_f1": 0.58, "unsafe_recall": null}},
            {"name": "full pipeline", "values": {"verdict_accuracy": 0.93, "macro_f1": 0.89, "unsafe_recall": 0.95}}
          ]
        }
      ]
    }

    """
}

/// SplitMix64 with Box–Muller: a small generator whose output depends only on the seed.
struct SeededNoise {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / Double(1 << 53)
    }

    mutating func normal(_ deviation: Double) -> Double {
        deviation * (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())
    }
}
