import Configuration
import DurableFiles
import Environments
import Episodes
import EmulatorPolicy
import Foundation
import HDF5Store
import KernelThreads
import Metrics
import NeuralNet
import PolicyRuntime
import RunLog
import TextEncoder
import Yams

/// Which stages `safemcp train --stage` runs.
public enum StageSelection: String, CaseIterable, Sendable {
    case stage1 = "1"
    case stage2 = "2"
    case stage3 = "3"
    case all

    var includesStage1: Bool { self == .stage1 || self == .all }
    var includesStage2: Bool { self == .stage2 || self == .all }
    var includesStage3: Bool { self == .stage3 || self == .all }

    /// The names of the selected stages, in the order they run.
    var stageNames: [String] {
        [(includesStage1, "stage1"), (includesStage2, "stage2"), (includesStage3, "stage3")].filter(\.0).map(\.1)
    }
}

/// What `safemcp train` was asked to do.
public struct TrainingRequest {
    public var configURL: URL
    public var overrides: [String] = []
    public var stages: StageSelection = .all
    /// The run's folder name under `runsRoot`; default: the config file's name.
    public var runName: String?
    public var runsRoot: URL
    public var resume = false
    /// The command line, for run.json.
    public var command: String
    public var showProgress = true

    public init(configURL: URL, overrides: [String] = [], stages: StageSelection = .all, runName: String? = nil,
                runsRoot: URL, resume: Bool = false, command: String, showProgress: Bool = true) {
        self.configURL = configURL
        self.overrides = overrides
        self.stages = stages
        self.runName = runName
        self.runsRoot = runsRoot
        self.resume = resume
        self.command = command
        self.showProgress = showProgress
    }
}

public struct TrainingResult {
    public var run: RunDirectory
    public var status: RunFacts.Status
    /// The evaluation after stage 2 or 3 (also in eval.json); nil when neither ran to its end.
    public var evaluation: EvaluationTables?
}

/// A training job from config to run folder: resolves the config, loads and embeds the data,
/// trains the selected stages with checkpoints, evaluates after stage 2 or 3 beside the baselines,
/// and keeps run.json's status current (running → finished | interrupted | failed).
public enum TrainingJob {
    public static func loadConfig(_ url: URL, overrides: [String]) throws -> TrainingConfig {
        let config = try StrictConfigLoader.load(TrainingConfig.self, defaults: TrainingConfig(), from: url, overrides: overrides)
        try config.validate()
        return config
    }

    public static func run(_ request: TrainingRequest, interrupt: InterruptFlag,
                           afterStep: ((String, Int) -> Void)? = nil, log: @escaping (String) -> Void) throws -> TrainingResult {
        let config = try loadConfig(request.configURL, overrides: request.overrides)
        let run = try RunDirectory(root: request.runsRoot,
                                   name: request.runName ?? request.configURL.deletingPathExtension().lastPathComponent)
        if run.exists && !request.resume { throw TrainingError.runExists(run.url.path) }
        if !run.exists && request.resume { throw TrainingError.nothingToResume(run.url.path) }
        if request.resume {
            // Refuse before anything is rewritten, so the run keeps the config it was started with.
            let saved = try StrictConfigLoader.load(TrainingConfig.self, defaults: TrainingConfig(), from: run.configURL)
            guard saved == config else { throw TrainingError.configMismatch(run.configURL.path) }
        }
        try run.create()
        let startedAt = request.resume ? (try run.readFacts().startedAt) : Date()
        try DurableFile.write(Data(YAMLEncoder().encode(config).utf8), to: run.configURL)
        var facts = RunFacts(name: run.name, command: request.command, seed: config.seed,
                             gitCommit: RunDirectory.gitCommit(in: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)),
                             openblasThreads: ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset (\(BLASThreads.count) in use)",
                             kernels: RunFacts.kernelsInUse(), cpu: CPUFeatures.modelName,
                             startedAt: startedAt, finishedAt: nil, durationSeconds: nil, status: .running,
                             stages: request.stages.stageNames)
        try run.writeFacts(facts)
        func end(_ status: RunFacts.Status) throws {
            facts.status = status
            if status != .interrupted {
                facts.finishedAt = Date()
                facts.durationSeconds = Date().timeIntervalSince(startedAt)
            }
            try run.writeFacts(facts)
        }
        do {
            let job = try Job(config: config, request: request, run: run, interrupt: interrupt, afterStep: afterStep, log: log)
            let (status, evaluation): (RunFacts.Status, EvaluationTables?)
            do {
                (status, evaluation) = try job.execute()
            } catch TrainingError.interrupted {
                (status, evaluation) = (.interrupted, nil)
            }
            try end(status)
            return TrainingResult(run: run, status: status, evaluation: evaluation)
        } catch {
            try? end(.failed)
            throw error
        }
    }
}

/// One job's state while it runs.
private struct Job {
    let config: TrainingConfig
    let request: TrainingRequest
    let run: RunDirectory
    let interrupt: InterruptFlag
    let afterStep: ((String, Int) -> Void)?
    let log: (String) -> Void
    let configJSON: String
    let metrics: MetricsLog

    init(config: TrainingConfig, request: TrainingRequest, run: RunDirectory, interrupt: InterruptFlag,
         afterStep: ((String, Int) -> Void)?, log: @escaping (String) -> Void) throws {
        self.config = config
        self.request = request
        self.run = run
        self.interrupt = interrupt
        self.afterStep = afterStep
        self.log = log
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        configJSON = String(decoding: try encoder.encode(config), as: UTF8.self)
        metrics = try MetricsLog(directory: run.url)
    }

    func context(_ stage: String) -> StageContext {
        StageContext(name: stage, checkpoints: CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent(stage).path,
                                                                   keepLast: config.checkpoints.keepLast),
                     checkpointInterval: config.checkpoints.interval, logInterval: 10, metrics: metrics, interrupt: interrupt,
                     configJSON: configJSON, log: log, afterStep: afterStep, showProgress: request.showProgress)
    }

    func execute() throws -> (RunFacts.Status, EvaluationTables?) {
        // Each part's wall time on stderr ("phase time: ..."), which tools/run.sh gathers into
        // the time per phase of `make run`.
        var lapStarted = Date()
        func lap(_ phase: String) {
            log("phase time: \(phase) " + String(format: "%.1f s", Date().timeIntervalSince(lapStarted)))
            lapStarted = Date()
        }
        let embedder = try makeEmbedder()
        let data = try TrainingData.load(config.data, embedder: embedder, interrupt: interrupt, log: log)
        let layout = PolicyLayout(config, dimension: embedder.dimension)
        try layout.write(to: run)
        let features = layout.features
        let partition = TrainingJob.partition(data, config: config, features: features, log: log)
        let (train1, validation1, train2, validation2, train3) = (partition.train1, partition.validation1, partition.train2,
                                                                  partition.validation2, partition.train3)
        let sourceWeights = TrainingJob.sourceWeights(config.data)
        let test2 = features.judgedSteps(data.test, embeddings: data.embeddings, labelledOnly: true)
        log("stage 1: \(train1.count) training states, \(validation1.count) validation; stage 2: \(train2.count) labelled training states, \(validation2.count) validation, \(test2.count) test; stage 3: \(train3.count) prompts\(partition.reservesPrompts ? " kept from stage 2" : "")")
        for (index, source) in config.data.train.enumerated() {
            let left = config.data.leaveOut.contains(source.resolvedName)
            log("source \(source.resolvedName): \(data.trainSource.filter { $0 == index }.count) episodes, \(train2.filter { $0.source == index }.count) labelled training states\(left ? " (left out: the validation split)" : "")\(sourceWeights.map { ", batch share \(String(format: "%.2f", $0[index] / $0.reduce(0, +)))" } ?? "")")
        }
        lap("loading the data, embedding its texts and building the states")

        let seed = UInt64(config.seed)
        var generator = RandomGenerator(seed: seed)
        let worldModel = WorldModel(inputs: features.width, dimension: embedder.dimension, config: config.stage1, generator: &generator)
        // Nothing reads the world model of a job whose policy does without it (the ablation).
        if request.stages == .all && !config.stage2.useWorldModel {
            log("stage 1 skipped: stage2.useWorldModel is false, so no later stage reads the world model")
        } else if request.stages.includesStage1 {
            let outcome = try WorldModelTraining.train(worldModel, train: train1, validation: validation1, config: config.stage1,
                                                       seed: seed &+ 1, context: context("stage1"), resume: request.resume,
                                                       sourceWeights: sourceWeights)
            if outcome == .interrupted { return (.interrupted, nil) }
            lap("stage 1 (world model)")
        }
        guard request.stages.includesStage2 || request.stages.includesStage3 else { return (.finished, nil) }
        if config.stage2.useWorldModel && !request.stages.includesStage1 {
            try loadFinishedStage1(into: worldModel)
        }
        let policy = makePolicy(useWorldModel: config.stage2.useWorldModel, worldModel: worldModel, features: features, seed: seed)
        if request.stages.includesStage2 {
            let crossFitted = config.stage2.useWorldModel && config.stage1.crossFitFolds >= 2
                ? try WorldModelTraining.crossFittedInputs(train1: train1, train2: train2, tasks: Self.groups(data.train, by: .task),
                                                           features: features, policy: policy, config: config,
                                                           sourceWeights: sourceWeights, context: context, log: log)
                : nil
            let outcome = try SupervisedInit.train(policy, train: train2, validation: validation2, config: config.stage2, seed: seed &+ 3,
                                                   context: context("stage2"), resume: request.resume, trainInputs: crossFitted,
                                                   sourceWeights: sourceWeights)
            if outcome == .interrupted { return (.interrupted, nil) }
            lap("stage 2 (supervised policy, with the world model's cross-fitted inputs)")
        } else {
            try loadFinished("stage2", into: policy.network)
        }
        var finalPolicy = policy
        if request.stages.includesStage3 {
            // A copy without dropout learns; the stage-2 network stays as the frozen KL reference.
            let learner = makePolicy(useWorldModel: config.stage2.useWorldModel, worldModel: worldModel, features: features, seed: seed,
                                     dropout: 0)
            learner.network.restore(policy.network.snapshot())
            let suites = TrainingJob.episodeSuites(config)
            let episodes = suites.isEmpty ? nil
                : try EpisodeSource.load(paths: suites, features: features, embeddings: data.embeddings,
                                         embedder: embedder, interrupt: interrupt, log: log)
            let evaluateEpisodes = config.stage3.evalEpisodes == 0 ? nil
                : episodes.map { episodeEvaluation($0, policy: learner, layout: layout, embedder: embedder) }
            let outcome = try ReinforcementLearning.train(learner, reference: policy.network, train: train3, validation: validation2,
                                                          episodes: episodes, evaluateEpisodes: evaluateEpisodes,
                                                          config: config.stage3, seed: seed &+ 6, context: context("stage3"),
                                                          resume: request.resume, sourceWeights: sourceWeights)
            if outcome == .interrupted { return (.interrupted, nil) }
            finalPolicy = learner
            lap("stage 3 (RL, with the emulated episodes' suites)")
        }

        var rows: [(name: String, score: ([JudgedStep]) -> (StepMetrics, StepMetrics?))] = []
        if config.baselines.enabled {
            rows += try baselines(train2: train2, validation2: validation2, worldModel: worldModel, features: features,
                                  sourceWeights: sourceWeights)
            if interrupt.isRaised { return (.interrupted, nil) }
        }
        rows.append((config.stage2.useWorldModel ? "stage 1 + 2" : "stage 2 without world model",
                     { SupervisedInit.score(policy, $0) }))
        if request.stages.includesStage3 {
            rows.append((config.stage2.useWorldModel ? "stage 1 + 2 + 3" : "stage 2 + 3 without world model",
                         { SupervisedInit.score(finalPolicy, $0) }))
        }
        var tables: [EvaluationTables.Table] = []
        for (title, steps) in [("Validation split (\(validation2.count) steps)", validation2), ("Test set (\(test2.count) steps)", test2)] where !steps.isEmpty {
            tables.append(EvaluationTables.Table(title: title, columns: EvaluationTables.stepColumns, rows: rows.map { row in
                let (verdict, withheld) = row.score(steps)
                return EvaluationTables.row(row.name, verdict: verdict, withheld: withheld)
            }))
        }
        let evaluation = EvaluationTables(tables: tables)
        try DurableFile.write(evaluation.jsonData(), to: run.evalURL)
        lap("baselines and the evaluation tables")
        if let final = tables.first?.rows.last {
            try metrics.log(step: 0, ["macro_f1", "accuracy"].compactMap { key in (final.values[key] ?? nil).map { ("eval/\(key)", $0) } })
        }
        return (.finished, evaluation)
    }

    private func baselines(train2: [JudgedStep], validation2: [JudgedStep], worldModel: WorldModel, features: StateFeatures,
                           sourceWeights: [Double]?) throws
        -> [(name: String, score: ([JudgedStep]) -> (StepMetrics, StepMetrics?))] {
        let seed = UInt64(config.seed)
        var counts = [Int](repeating: 0, count: 3)
        for step in train2 { counts[step.label!.index] += 1 }
        let majority = StepLabel.allCases[counts.indices.max { counts[$0] < counts[$1] }!]
        log("baselines: majority class \(majority.rawValue); training the action classifier")
        let classifier = ActionClassifier.train(inputs: train2.map(\.action), targets: train2.map { $0.label!.index }, classes: 3,
                                                config: config.baselines.actionClassifier, seed: seed &+ 5)
        var rows: [(name: String, score: ([JudgedStep]) -> (StepMetrics, StepMetrics?))] = [
            ("majority class", { steps in
                (StepMetrics(steps.map { ScoredStep(truth: $0.label!, prediction: majority, trueWithheld: [], predictedWithheld: []) }), nil)
            }),
            ("action classifier only", { steps in
                let predictions = classifier.predict(steps.map(\.action))
                return (StepMetrics(zip(steps, predictions).map {
                    ScoredStep(truth: $0.0.label!, prediction: StepLabel.allCases[$0.1], trueWithheld: [], predictedWithheld: [])
                }), nil)
            }),
        ]
        var saved = SequentialModule(classifier.network).tensors(prefix: PolicyVariant.actionClassifier.rawValue + "/")
        if config.stage2.useWorldModel {
            log("baselines: training stage 2 without the world model")
            let ablation = makePolicy(useWorldModel: false, worldModel: worldModel, features: features, seed: seed)
            var ablationContext = context("stage2_without_world_model")
            ablationContext.checkpoints = nil
            ablationContext.metrics = nil
            _ = try SupervisedInit.train(ablation, train: train2, validation: validation2, config: config.stage2, seed: seed &+ 3,
                                         context: ablationContext, resume: false, sourceWeights: sourceWeights)
            rows.append(("stage 2 without world model", { SupervisedInit.score(ablation, $0) }))
            saved.merge(ablation.network.tensors(prefix: PolicyVariant.stage2WithoutWorldModel.rawValue + "/")) { current, _ in current }
        }
        // `safemcp export` puts the baselines in the bundle, so eval compares them on suites too.
        let directory = CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent(PolicyExport.baselinesStage).path, keepLast: 1)
        let path = try directory.save(Checkpoint(tensors: saved, trainingState: ["complete": 1], configJSON: configJSON), step: 1)
        log("baselines: checkpoint \(path)")
        return rows
    }

    /// Greedy episodes of the training tasks under the policy as it is now, through the same
    /// inference path as the proxy (`PolicyRuntime`, `LearnedDefense`): Safety, Utility, Libra
    /// and over-blocking against the same episodes without a defense.
    private func episodeEvaluation(_ source: EpisodeSource, policy: Policy, layout: PolicyLayout, embedder: TextEmbedder) -> () throws -> [(tag: String, value: Double)] {
        let episodes = config.stage3.evalEpisodes
        let seed = UInt64(config.seed) &+ 8
        let references = source.suites.map { Rollout.reference($0, episodes: episodes, seed: seed) }
        let lookup = TableEmbedder(table: source.embeddings, fallback: embedder)
        let maxAttempts = source.suites.map(\.suite.maxAttempts).max() ?? 1
        return {
            let bundle = PolicyExport.bundle(policy, layout: layout, encoderID: embedder.id)
            let defense = LearnedDefense(runtime: try PolicyRuntime(bundle: bundle, variant: .full, embedder: lookup), name: "stage 3")
            let results = source.suites.flatMap { Rollout.run($0, defense: defense, episodes: episodes, seed: seed) }
            let metrics = EpisodeMetrics.compute(results, reference: references.flatMap { $0 }, maxAttempts: maxAttempts)
            var scalars: [(tag: String, value: Double)] = [("eval/safety", metrics.safety), ("eval/utility", metrics.utility),
                                                           ("eval/libra", metrics.libra)]
            if let overBlocking = metrics.overBlocking { scalars.append(("eval/over_blocking", overBlocking)) }
            return scalars
        }
    }

    private func makePolicy(useWorldModel: Bool, worldModel: WorldModel, features: StateFeatures, seed: UInt64,
                            dropout: Double? = nil) -> Policy {
        var generator = RandomGenerator(seed: seed &+ 2)
        let inputs = features.width + (useWorldModel ? config.stage2.worldModelInput.width(dimension: features.dimension) : 0)
        var networkConfig = config.stage2
        if let dropout { networkConfig.dropout = dropout }
        let network = PolicyNetwork(inputs: inputs, toolDimension: features.toolWidth, config: networkConfig, name: "policy", generator: &generator)
        return Policy(network: network, worldModel: useWorldModel ? worldModel : nil, stateWidth: features.width, toolDimension: features.toolWidth,
                      worldModelInput: config.stage2.worldModelInput)
    }

    private func loadFinishedStage1(into worldModel: WorldModel) throws {
        try loadFinished("stage1", into: worldModel, hint: " (or set stage2.useWorldModel: false)")
    }

    /// Loads the weights of a stage this run finished earlier.
    private func loadFinished(_ stage: String, into network: NetworkModule, hint: String = "") throws {
        let directory = context(stage).checkpoints!
        guard let resumption = try directory.latest(), resumption.checkpoint.trainingState["complete"] == 1 else {
            throw TrainingError.invalidData("\(directory.path): no finished \(stage) in this run; run --stage \(stage.dropFirst(5)) first\(hint)")
        }
        guard resumption.checkpoint.configJSON == configJSON else { throw TrainingError.configMismatch(resumption.path) }
        try network.load(resumption.checkpoint.tensors, file: resumption.path)
        log("\(stage): weights from \(resumption.path)")
    }

    private func makeEmbedder() throws -> TextEmbedder {
        if config.encoder.kind == .hashing { return HashingEmbedder(dimension: config.encoder.hashingDimension) }
        return try MiniLMEncoder(explicitFolder: config.encoder.directory.isEmpty ? nil : config.encoder.directory)
    }

    /// The episodes held out for validation: a seeded shuffle of the groups, the episodes of the
    /// first `fraction` of them (at least one group when there are two or more).
    static func validationEpisodes(groups: [[Int]], fraction: Double, seed: UInt64) -> Set<Int> {
        var order = Array(groups.indices)
        var generator = RandomGenerator(seed: seed)
        generator.shuffle(&order)
        let held = groups.count >= 2 ? max(1, Int((Double(groups.count) * fraction).rounded())) : 0
        return Set(order.prefix(held).flatMap { groups[$0] })
    }

    /// The episodes' indices grouped for the validation split: each episode alone, or by task
    /// (same source and instruction), so that validation scores tasks training never saw.
    static func groups(_ episodes: [Episode], by unit: DataConfig.ValidationUnit) -> [[Int]] {
        guard unit == .task else { return episodes.indices.map { [$0] } }
        var groups: [[Int]] = []
        var groupOfTask: [String: Int] = [:]
        for (index, episode) in episodes.enumerated() {
            let key = episode.source + "\u{0}" + episode.task.instruction
            if let group = groupOfTask[key] {
                groups[group].append(index)
            } else {
                groupOfTask[key] = groups.count
                groups.append([index])
            }
        }
        return groups
    }

}

extension TrainingJob {
    /// The states each stage trains and validates on. Validation is the left-out sources
    /// (`data.leaveOut`: train without a source, validate on it) or else a seeded share of the
    /// tasks; nothing of a validation episode reaches any stage's training, nor the baselines'.
    struct Partition {
        var train1: [JudgedStep]
        var validation1: [JudgedStep]
        var train2: [JudgedStep]
        var validation2: [JudgedStep]
        var train3: [JudgedStep]
        var reservesPrompts: Bool
    }

    static func partition(_ data: TrainingData, config: TrainingConfig, features: StateFeatures, log: (String) -> Void) -> Partition {
        let leftOut = Set(config.data.train.indices.filter { config.data.isLeftOut(config.data.train[$0]) })
        let leftOutEpisodes = Set(data.train.indices.filter { leftOut.contains(data.trainSource[$0]) })
        var held = leftOutEpisodes.isEmpty
            ? Job.validationEpisodes(groups: Job.groups(data.train, by: config.data.validationBy), fraction: config.data.validationFraction,
                                 seed: UInt64(config.seed) &+ 4)
            : leftOutEpisodes
        var stage1States = features.judgedSteps(data.train, embeddings: data.embeddings, labelledOnly: false)
        for index in stage1States.indices { stage1States[index].source = data.trainSource[stage1States[index].episode] }
        let stage2States = stage1States.filter { $0.label != nil }
        if !leftOutEpisodes.isEmpty && !stage2States.contains(where: { leftOutEpisodes.contains($0.episode) }) {
            // Nothing to select on in the left-out sources (ToolEmu records no labels): they stay
            // out of training, and a share of the other tasks validates, as without leaveOut.
            log("data.leaveOut: the left-out sources hold no labelled step; validating on \(config.data.validationFraction) of the other tasks")
            let others = Job.groups(data.train, by: config.data.validationBy)
                .map { $0.filter { !leftOutEpisodes.contains($0) } }.filter { !$0.isEmpty }
            held = Job.validationEpisodes(groups: others, fraction: config.data.validationFraction, seed: UInt64(config.seed) &+ 4)
        }
        let labelledTrain = stage2States.filter { !held.contains($0.episode) && !leftOutEpisodes.contains($0.episode) }
        let validation2 = stage2States.filter { held.contains($0.episode) }
        // A function of the config alone, so stage 3 run on its own sees the same split.
        let reservedEpisodes = config.stage3.reservedFraction == 0 ? Set<Int>()
            : Job.validationEpisodes(groups: data.train.indices.map { [$0] }, fraction: config.stage3.reservedFraction,
                                      seed: UInt64(config.seed) &+ 7)
                .subtracting(held)
        // The world model's class head fits the labels it trains on, and the policy reads its
        // prediction: reserved episodes are kept from stage 1 too, or stage 3 would see solved prompts.
        return Partition(
            train1: stage1States.filter { !held.contains($0.episode) && !leftOutEpisodes.contains($0.episode) && !reservedEpisodes.contains($0.episode) },
            validation1: stage1States.filter { held.contains($0.episode) },
            train2: labelledTrain.filter { !reservedEpisodes.contains($0.episode) },
            validation2: validation2,
            train3: reservedEpisodes.isEmpty ? labelledTrain : labelledTrain.filter { reservedEpisodes.contains($0.episode) },
            reservesPrompts: !reservedEpisodes.isEmpty)
    }

    /// Each source's batch weight, or nil when no source sets one (uniform over examples).
    static func sourceWeights(_ data: DataConfig) -> [Double]? {
        data.train.contains { $0.weight != nil } ? data.train.map { $0.weight ?? 1 } : nil
    }

    /// The suites stage 3 rolls out: `stage3.episodeSuites` without the left-out sources' folders.
    static func episodeSuites(_ config: TrainingConfig) -> [String] {
        config.stage3.episodeSuites.filter { !config.data.leaveOut.contains(($0 as NSString).lastPathComponent) }
    }
}

extension DataConfig {
    /// Whether `leaveOut` names the source: its name, or the part of it before a `/`
    /// (`toolemu-public` leaves out `toolemu-public/cases` and `toolemu-public/trajectories`).
    func isLeftOut(_ source: DataSource) -> Bool {
        let name = source.resolvedName
        return leaveOut.contains { name == $0 || name.hasPrefix($0 + "/") }
    }
}
