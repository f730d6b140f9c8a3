import Datasets
import Episodes
import Foundation
import HDF5Store
import NeuralNet
import PolicyRuntime
import TestSupport
import TextEncoder
@testable import Training
import XCTest

/// `safemcp export` and the bundle's runtime: the policy the proxy and `safemcp eval` load must
/// decide exactly as the trained networks do, and a damaged or mismatched bundle is refused.
final class PolicyExportTests: XCTestCase {
    /// Synthetic runs (stages 1-3 and the baselines) shared by the tests, by extra overrides.
    private static var shared: [[String]: (folder: TemporaryFolder, run: RunDirectory, config: TrainingConfig)] = [:]

    private func trainedRun(_ extra: [String] = []) throws -> (folder: TemporaryFolder, run: RunDirectory, config: TrainingConfig) {
        if let shared = Self.shared[extra] { return shared }
        let folder = try TemporaryFolder(prefix: "training-tests")
        let configURL = try SyntheticData.writeRun(in: folder.url)
        let overrides = ["baselines.enabled=true", "baselines.actionClassifier.steps=30", "baselines.actionClassifier.hidden=[16, 8]"] + extra
        let request = TrainingRequest(configURL: configURL, overrides: overrides, runName: "exported",
                                      runsRoot: folder.url.appendingPathComponent("runs"), command: "test", showProgress: false)
        let result = try TrainingJob.run(request, interrupt: InterruptFlag(), log: { _ in })
        XCTAssertEqual(result.status, .finished)
        let trained = (folder, result.run, try TrainingJob.loadConfig(configURL, overrides: overrides))
        Self.shared[extra] = trained
        return trained
    }

    private func exportedBundle(_ extra: [String] = []) throws -> (url: URL, bundle: PolicyBundle, run: RunDirectory, config: TrainingConfig) {
        let (folder, run, config) = try trainedRun(extra)
        let bundle = try PolicyExport.bundle(run: run, log: { _ in })
        let url = folder.url.appendingPathComponent("policy-\(UUID().uuidString).h5")
        try bundle.write(to: url)
        return (url, bundle, run, config)
    }

    func testBundleReadsBackEqualAndHoldsEveryVariant() throws {
        let (url, bundle, _, _) = try exportedBundle()
        XCTAssertEqual(try PolicyBundle.read(url), bundle)
        XCTAssertEqual(Set(bundle.variants.keys), Set(PolicyVariant.allCases))
        XCTAssertEqual(bundle.variants[.full], true)
        XCTAssertEqual(bundle.variants[.stage2WithoutWorldModel], false)
        XCTAssertEqual(bundle.encoderID, HashingEmbedder(dimension: 64).id)
        XCTAssertTrue(bundle.source.contains("stage3 step 40"), bundle.source)
    }

    /// The job writes its layout before training, from the encoder it loaded, and export takes
    /// the bundle's state layout and shapes from that file, not from the config read again: an
    /// edited layout shows in the bundle, and a run without one is refused, naming the file.
    func testExportTakesTheLayoutTheRunWrote() throws {
        let (_, run, config) = try trainedRun()
        let written = try JSONDecoder().decode(PolicyLayout.self, from: Data(contentsOf: run.layoutURL))
        XCTAssertEqual(written, PolicyLayout(config, dimension: 64))
        let original = try Data(contentsOf: run.layoutURL)
        defer { try? original.write(to: run.layoutURL) }
        var edited = written
        edited.shapes.actionClassifierHidden = [99]
        try JSONEncoder().encode(edited).write(to: run.layoutURL)
        XCTAssertEqual(try PolicyExport.bundle(run: run, log: { _ in }).shapes.actionClassifierHidden, [99])
        try FileManager.default.removeItem(at: run.layoutURL)
        XCTAssertThrowsError(try PolicyExport.bundle(run: run, log: { _ in })) { error in
            XCTAssertTrue("\(error)".contains(run.layoutURL.path), "\(error)")
        }
    }

    /// The runtime builds its state from text (`StateFeatures.vector(for:)`) and loads weights
    /// from the bundle; training builds states from recorded episodes (`judgedSteps`) and loads
    /// weights from checkpoints. Both must give the same verdicts, withheld sets and verdict
    /// probabilities on every step.
    func testRuntimeDecidesAsTheTrainedNetworks() throws {
        try checkRuntimeDecidesAsTheTrainedNetworks([])
    }

    /// The same with a policy that reads only the world model's four risk probabilities.
    func testRuntimeDecidesAsTheTrainedNetworksReadingTheRiskAlone() throws {
        try checkRuntimeDecidesAsTheTrainedNetworks(["stage2.worldModelInput=risk"])
    }

    /// The same with the argument-grounding shares in the state: training computes them from
    /// recorded episodes, the runtime from the input's texts.
    func testRuntimeDecidesAsTheTrainedNetworksWithGrounding() throws {
        try checkRuntimeDecidesAsTheTrainedNetworks(["features.grounding=true"])
    }

    private func checkRuntimeDecidesAsTheTrainedNetworks(_ extra: [String]) throws {
        let (url, bundle, run, config) = try exportedBundle(extra)
        XCTAssertEqual(bundle.shapes.worldModelInput, config.stage2.worldModelInput)
        let episodes = SyntheticData.episodes(count: 40, seed: 77)
        let embedder = HashingEmbedder(dimension: 64)
        var table = EmbeddingTable(dimension: 64, encoderID: embedder.id)
        try table.embedMissing(TrainingData.texts(of: episodes), with: embedder, log: { _ in })
        let features = PolicyLayout(config).features
        XCTAssertEqual(bundle.features, features)
        let steps = features.judgedSteps(episodes, embeddings: table, labelledOnly: true)

        var generator = RandomGenerator(seed: 1)
        let worldModel = WorldModel(inputs: features.width, dimension: 64, config: config.stage1, generator: &generator)
        try worldModel.load(try Self.finished("stage1", run).tensors, file: "stage1")
        var networkConfig = config.stage2
        networkConfig.dropout = 0
        let network = PolicyNetwork(inputs: features.width + config.stage2.worldModelInput.width(dimension: 64), toolDimension: 64,
                                    config: networkConfig, name: "policy", generator: &generator)
        try network.load(try Self.finished("stage3", run).tensors, file: "stage3")
        let trained = Policy(network: network, worldModel: worldModel, stateWidth: features.width, toolDimension: 64,
                             worldModelInput: config.stage2.worldModelInput)
        let expected = trained.decide(steps)

        let runtime = try PolicyRuntime(contentsOf: url, variant: .full)
        let inputs = episodes.map { episode in
            PolicyInput(task: episode.task, history: Array(episode.steps.dropLast()), pending: episode.steps.last!.action, tools: episode.tools)
        }
        let outputs = try runtime.decide(inputs)
        let referenceLogits = network.forward(trained.inputs(steps), toolPairs: [], toolDimension: 64, training: false).verdicts
        XCTAssertEqual(outputs.count, expected.count)
        var verdicts = Set<StepLabel>()
        for (row, (output, reference)) in zip(outputs, expected).enumerated() {
            XCTAssertEqual(output.verdict, reference.verdict, "step \(row)")
            XCTAssertEqual(output.withheld, reference.withheld, "step \(row)")
            let probabilities = Probabilities.softmax(rows: Matrix(rows: 1, cols: 3, storage: Array(referenceLogits.row(row))))
            for j in 0..<3 { XCTAssertEqual(output.verdictProbabilities[j], Double(probabilities.storage[j]), accuracy: 1e-5) }
            XCTAssertNotNil(output.lookahead)
            verdicts.insert(output.verdict)
        }
        XCTAssertGreaterThan(verdicts.count, 1, "a policy that says one thing everywhere would pass this test by accident")
    }

    func testTheActionClassifierVariantWithholdsNothing() throws {
        let (url, _, _, _) = try exportedBundle()
        let runtime = try PolicyRuntime(contentsOf: url, variant: .actionClassifier)
        let episode = SyntheticData.episodes(count: 1, seed: 5)[0]
        let output = try runtime.decide([PolicyInput(task: episode.task, history: [], pending: episode.steps[1].action, tools: episode.tools)])[0]
        XCTAssertEqual(output.withheld, [])
        XCTAssertNil(output.lookahead)
        XCTAssertEqual(output.verdictProbabilities.reduce(0, +), 1, accuracy: 1e-9)
    }

    /// A screen that flags one instruction alone (its weights are that instruction's embedding,
    /// scaled): under it, an acting call whose P(safe) is below `allowAbove` turns unsafe with the
    /// screen's probability as confidence, and nothing else changes; a reply under it, a call
    /// under any other instruction and the stage-2 variant decide as without the screen. The
    /// screen is kept by the file and by an ensemble; one of the wrong width is refused.
    func testTheRequestScreenTurnsActingCallsUnderAFlaggedRequestUnsafe() throws {
        let (url, plain, _, _) = try exportedBundle()
        let embedder = HashingEmbedder(dimension: 64)
        let flagged = AgentTask(instruction: "ruin my neighbour's reputation with fake reviews")
        let direction = embedder.embed([flagged.instruction])[0].map { 40 * Double($0) }
        var screened = plain
        screened.requestScreen = RequestScreen(weights: direction, bias: -20, flag: 0.5, allowAbove: 1, positives: 1, negatives: 1,
                                               harmfulSources: ["test"])
        let folder = try TemporaryFolder(prefix: "screen")
        let screenedURL = folder.url.appendingPathComponent("screened.h5")
        try screened.write(to: screenedURL)
        XCTAssertEqual(try PolicyBundle.read(screenedURL), screened)
        XCTAssertEqual(try PolicyBundle.ensemble([("screened", screened), ("plain", plain)]).requestScreen, screened.requestScreen)

        let episodes = SyntheticData.episodes(count: 30, seed: 91)
        func inputs(_ task: AgentTask?, reply: Bool = false) -> [PolicyInput] {
            episodes.map { episode in
                PolicyInput(task: task ?? episode.task, history: Array(episode.steps.dropLast()),
                            pending: reply ? Action(tool: Action.replyTool, arguments: .object(["message": .string("I will not do that.")]))
                                : episode.steps.last!.action,
                            tools: episode.tools)
            }
        }
        let withScreen = try PolicyRuntime(contentsOf: screenedURL)
        let without = try PolicyRuntime(contentsOf: url)
        let blocked = try withScreen.decide(inputs(flagged))
        for (output, reference) in zip(blocked, try without.decide(inputs(flagged))) {
            let finding = try XCTUnwrap(output.screen)
            XCTAssertGreaterThan(finding.probability, 0.99)
            XCTAssertTrue(finding.blocks)
            XCTAssertEqual(output.verdict, .unsafe)
            XCTAssertEqual(output.confidence, finding.probability)
            XCTAssertEqual(output.verdictProbabilities, reference.verdictProbabilities)
            XCTAssertEqual(output.withheld, reference.withheld)
        }
        XCTAssertTrue(try without.decide(inputs(flagged)).contains { $0.verdict != .unsafe }, "some call must be allowed without the screen")
        for task in [nil, flagged] {
            let reply = task != nil
            for (output, reference) in zip(try withScreen.decide(inputs(task, reply: reply)), try without.decide(inputs(task, reply: reply))) {
                XCTAssertEqual(output.verdict, reference.verdict)
                XCTAssertEqual(output.confidence, reference.confidence)
                XCTAssertEqual(output.screen?.blocks ?? false, false)
            }
        }
        // Without a declared task there is no request to read, even under a screen that flags
        // the empty instruction (its zero embedding leaves the bias alone, here above the flag).
        var flagsEverything = screened
        flagsEverything.requestScreen?.bias = 20
        let noTask = try PolicyRuntime(bundle: flagsEverything, variant: .full, embedder: embedder).decide(inputs(AgentTask(instruction: "")))
        XCTAssertEqual(noTask, try without.decide(inputs(AgentTask(instruction: ""))))
        XCTAssertTrue(try PolicyRuntime(bundle: flagsEverything, variant: .full, embedder: embedder).decide(inputs(nil)).allSatisfy { $0.verdict == .unsafe })
        let stage2 = try PolicyRuntime(contentsOf: screenedURL, variant: .stage2).decide(inputs(flagged))
        XCTAssertEqual(stage2, try PolicyRuntime(contentsOf: url, variant: .stage2).decide(inputs(flagged)))

        screened.requestScreen?.weights.removeLast()
        try screened.write(to: screenedURL)
        XCTAssertThrowsError(try PolicyBundle.read(screenedURL)) { error in
            XCTAssertTrue("\(error)".contains(screenedURL.path) && "\(error)".contains("request screen has 63 weights"), "\(error)")
        }
    }

    /// A long-running proxy sees a new text in every tool result: the cache must stay bounded,
    /// and starting it afresh must not change a decision.
    func testTheEmbeddingCacheStaysBoundedWithoutChangingDecisions() throws {
        let (url, _, _, _) = try exportedBundle()
        let runtime = try PolicyRuntime(contentsOf: url)
        let episode = SyntheticData.episodes(count: 1, seed: 5)[0]
        func input(_ round: Int, _ index: Int) -> PolicyInput {
            PolicyInput(task: AgentTask(instruction: "task \(round)-\(index)"),
                        history: [Step(action: Action(tool: "read_file"), observation: "result \(round)-\(index)")],
                        pending: episode.steps[1].action, tools: episode.tools)
        }
        for round in 0..<6 {
            let inputs = (0..<2000).map { input(round, $0) }
            let outputs = try runtime.decide(inputs)
            XCTAssertLessThanOrEqual(runtime.cachedTexts, PolicyRuntime.maxCachedTexts)
            // A fresh runtime in a batch of another size: equal up to float rounding in the matrix products.
            let fresh = try PolicyRuntime(contentsOf: url).decide(Array(inputs.prefix(50)))
            for (row, (output, reference)) in zip(outputs, fresh).enumerated() {
                XCTAssertEqual(output.verdict, reference.verdict, "round \(round), row \(row)")
                XCTAssertEqual(output.withheld, reference.withheld, "round \(round), row \(row)")
                for (p, q) in zip(output.verdictProbabilities, reference.verdictProbabilities) { XCTAssertEqual(p, q, accuracy: 1e-5) }
            }
        }
        XCTAssertGreaterThan(runtime.cachedTexts, 0)
    }

    func testDamagedBundlesAreRefusedNamingTheFile() throws {
        let (url, _, run, _) = try exportedBundle()
        let data = try Data(contentsOf: url)
        let torn = url.deletingLastPathComponent().appendingPathComponent("torn.h5")
        try data.prefix(data.count / 2).write(to: torn)
        XCTAssertThrowsError(try PolicyBundle.read(torn)) { XCTAssertTrue("\($0)".hasPrefix(torn.path), "\($0)") }
        var flipped = data
        flipped[data.count - 100] ^= 0x40
        let edited = url.deletingLastPathComponent().appendingPathComponent("edited.h5")
        try flipped.write(to: edited)
        XCTAssertThrowsError(try PolicyBundle.read(edited)) { XCTAssertTrue("\($0)".hasPrefix(edited.path), "\($0)") }
        let checkpoint = run.checkpointsURL.appendingPathComponent("stage2").appendingPathComponent(CheckpointDirectory.fileName(step: 40))
        XCTAssertThrowsError(try PolicyBundle.read(checkpoint)) { XCTAssertTrue("\($0)".contains("not a policy bundle"), "\($0)") }
        XCTAssertThrowsError(try PolicyBundle.read(url.appendingPathExtension("missing"))) { XCTAssertTrue("\($0)".contains("no such file"), "\($0)") }
    }

    func testAMismatchedEncoderOrAMissingVariantIsRefused() throws {
        let (_, bundle, _, _) = try exportedBundle()
        XCTAssertThrowsError(try PolicyRuntime(bundle: bundle, variant: .full, embedder: HashingEmbedder(dimension: 32))) {
            XCTAssertTrue("\($0)".contains("hashing-fnv1a-64"), "\($0)")
        }
        var partial = bundle
        partial.variants[.actionClassifier] = nil
        XCTAssertThrowsError(try PolicyRuntime(bundle: partial, variant: .actionClassifier, embedder: HashingEmbedder(dimension: 64))) {
            XCTAssertTrue("\($0)".contains("holds no action_classifier policy"), "\($0)")
        }
    }

    /// An ensemble decides by the means of its members' probabilities. The reference is each
    /// member's own bundle, loaded alone (whose decisions the tests above check against the
    /// trained networks); a variant that only the first member holds is that member's alone.
    func testAnEnsembleAveragesItsMembersProbabilities() throws {
        let (_, first, _, _) = try exportedBundle()
        let (_, second, _, _) = try exportedBundle(["seed=2", "baselines.enabled=false"])
        let ensemble = try PolicyBundle.ensemble([("first", first), ("second", second)])
        XCTAssertEqual(ensemble.members, 2)
        XCTAssertTrue(ensemble.holds(.full, member: 1))
        XCTAssertFalse(ensemble.holds(.actionClassifier, member: 1))
        let folder = try TemporaryFolder(prefix: "ensemble")
        let url = folder.url.appendingPathComponent("ensemble.h5")
        try ensemble.write(to: url)
        XCTAssertEqual(try PolicyBundle.read(url), ensemble)

        let episodes = SyntheticData.episodes(count: 40, seed: 78)
        let inputs = episodes.map { episode in
            PolicyInput(task: episode.task, history: Array(episode.steps.dropLast()), pending: episode.steps.last!.action, tools: episode.tools)
        }
        let embedder = HashingEmbedder(dimension: 64)
        let outputs = try PolicyRuntime(contentsOf: url).decide(inputs)
        let alone = try [first, second].map { try PolicyRuntime(bundle: $0, variant: .full, embedder: embedder).decide(inputs) }
        XCTAssertEqual(try PolicyRuntime(contentsOf: url).memberCount, 2)
        var differsFromTheFirst = false
        for (row, output) in outputs.enumerated() {
            let (a, b) = (alone[0][row], alone[1][row])
            for j in 0..<3 {
                XCTAssertEqual(output.verdictProbabilities[j], (a.verdictProbabilities[j] + b.verdictProbabilities[j]) / 2, accuracy: 1e-12)
            }
            for j in output.withholdProbabilities.indices {
                XCTAssertEqual(output.withholdProbabilities[j], (a.withholdProbabilities[j] + b.withholdProbabilities[j]) / 2, accuracy: 1e-12)
            }
            let lookahead = try XCTUnwrap(output.lookahead)
            XCTAssertEqual(lookahead.unsafeFollows, (a.lookahead!.unsafeFollows + b.lookahead!.unsafeFollows) / 2, accuracy: 1e-9)
            let probabilities = output.verdictProbabilities
            XCTAssertEqual(output.verdict.index, probabilities.indices.max { probabilities[$0] < probabilities[$1] })
            XCTAssertEqual(output.withheld, Set(zip(inputs[row].tools, output.withholdProbabilities).filter { $0.1 >= 0.5 }.map(\.0.name)))
            differsFromTheFirst = differsFromTheFirst || abs(output.verdictProbabilities[0] - a.verdictProbabilities[0]) > 1e-3
        }
        XCTAssertTrue(differsFromTheFirst, "the members' probabilities must differ for the test to tell a mean from the first member")

        let classifier = try PolicyRuntime(contentsOf: url, variant: .actionClassifier)
        XCTAssertEqual(classifier.memberCount, 1)
        XCTAssertEqual(try classifier.decide(inputs),
                       try PolicyRuntime(bundle: first, variant: .actionClassifier, embedder: embedder).decide(inputs))
    }

    /// Members must fit one another, and a member without its full policy is refused on load.
    func testMismatchedOrIncompleteMembersAreRefused() throws {
        let (_, first, _, _) = try exportedBundle()
        let (_, grounded, _, _) = try exportedBundle(["features.grounding=true"])
        XCTAssertThrowsError(try PolicyBundle.ensemble([("runs/a", first), ("runs/b", grounded)])) {
            XCTAssertEqual("\($0)", "runs/b: not the same state features as runs/a: ensemble members must be trained alike")
        }
        let pair = try PolicyBundle.ensemble([("runs/a", first), ("runs/c", first)])
        XCTAssertThrowsError(try PolicyBundle.ensemble([("runs/a", first), ("pair.h5", pair)])) {
            XCTAssertTrue("\($0)".contains("pair.h5: is already an ensemble of 2"), "\($0)")
        }
        var broken = pair
        broken.tensors = broken.tensors.filter { !$0.key.hasPrefix("member1/full/") }
        let folder = try TemporaryFolder(prefix: "ensemble")
        let url = folder.url.appendingPathComponent("broken.h5")
        try broken.write(to: url)
        XCTAssertThrowsError(try PolicyBundle.read(url)) {
            XCTAssertTrue("\($0)".contains("member 1 of 2 holds no full policy"), "\($0)")
        }
    }

    private static func finished(_ stage: String, _ run: RunDirectory) throws -> Checkpoint {
        let latest = try CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent(stage).path).latest()
        return try XCTUnwrap(latest).checkpoint
    }
}
