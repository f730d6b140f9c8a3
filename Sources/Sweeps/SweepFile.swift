import Configuration
import Foundation
import Training

/// A sweep: one training config run for every (variant, seed), each run trained, exported and
/// evaluated in its own folder (docs/sweeps.md). Read by the same strict loader as training
/// configs, so an unknown key or a wrong type names the file, line and key.
public struct SweepFile: Codable, Equatable {
    /// A named set of `--set` overrides on top of the base config (and of `set`).
    public struct Variant: Codable, Equatable {
        public var name: String
        public var set: [String]
    }

    /// The training config every task starts from (relative to the working directory).
    public var config = ""
    /// The sweep folder: one run folder per task, `sweep.json` and the report.
    public var out = ""
    /// Every variant runs once per seed (`--set seed=S`).
    public var seeds: [Int] = []
    /// Overrides every variant gets, before its own.
    public var set: [String] = []
    public var variants: [Variant] = []
    /// `safemcp train --stage`.
    public var stage = "all"
    /// Arguments of `safemcp eval --run RUN` (the table's rows and episodes); `--json` is added.
    public var eval: [String] = ["--baselines"]
    /// OPENBLAS_NUM_THREADS of every task, and the cores a task asks of the cluster: results
    /// depend on it, so a sweep fixes it for the serial and the parallel run alike.
    public var threads = 1

    public init() {}

    public static func load(_ url: URL) throws -> SweepFile {
        let file = try StrictConfigLoader.load(SweepFile.self, defaults: SweepFile(), from: url)
        try file.validate(origin: url.path)
        return file
    }

    func validate(origin: String) throws {
        func fail(_ key: String, _ message: String) -> SweepError {
            SweepError("\(origin): \(key): \(message)")
        }
        if config.isEmpty { throw fail("config", "the training config is required") }
        if out.isEmpty { throw fail("out", "the sweep folder is required") }
        if seeds.isEmpty { throw fail("seeds", "give at least one seed") }
        if Set(seeds).count != seeds.count { throw fail("seeds", "a seed is listed twice: \(seeds)") }
        if variants.isEmpty { throw fail("variants", "give at least one variant (name and set, which may be [])") }
        if threads < 1 { throw fail("threads", "expected at least 1, found \(threads)") }
        var names: Set<String> = []
        for (index, variant) in variants.enumerated() {
            let key = "variants[\(index)].name"
            if variant.name.isEmpty || variant.name.contains(where: { !($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
                throw fail(key, "expected a folder name (letters, digits, - _ .), found \"\(variant.name)\"")
            }
            if !names.insert(variant.name).inserted { throw fail(key, "\(variant.name) is named twice") }
        }
        if eval.contains("--json") || eval.contains("--run") || eval.contains("--bundle") {
            throw fail("eval", "the sweep adds --run and --json itself; give the rest of safemcp eval's arguments")
        }
        guard ["1", "2", "3", "all"].contains(stage) else { throw fail("stage", "expected 1, 2, 3 or all, found \(stage)") }
    }
}
