import Datasets
import Environments
import Episodes
import Foundation
import NeuralNet
import PolicyRuntime
import TestSupport
import TextEncoder
@testable import Training
import XCTest

/// The request screen: its fit is the minimiser of the loss it claims (checked by finite
/// differences of that loss, not by the fit's own gradient), it reads the run's own training
/// sources and nothing left out, and the runtime applies it to acting calls of the full policy
/// alone.
final class RequestScreenTests: XCTestCase {
    private let embedder = HashingEmbedder(dimension: 64)

    func testTheFitIsAStationaryPointOfTheBalancedPenalisedLoss() {
        var generator = RandomGenerator(seed: 4)
        func row(_ shift: Float) -> [Float] { (0..<5).map { index in generator.normal() + (index == 0 ? shift : 0) } }
        let positives = (0..<12).map { _ in row(1) }
        let negatives = (0..<40).map { _ in row(-0.5) }
        let l2 = 0.05
        let (weights, bias) = RequestScreenFit.fit(positives: positives, negatives: negatives, l2: l2)
        let point = weights + [bias]
        let height = 1e-5
        for index in point.indices {
            func loss(_ delta: Double) -> Double {
                var moved = point
                moved[index] += delta
                return Self.loss(weights: Array(moved.prefix(5)), bias: moved[5], positives: positives, negatives: negatives, l2: l2)
            }
            let derivative = (loss(height) - loss(-height)) / (2 * height)
            XCTAssertEqual(derivative, 0, accuracy: 1e-7, "coordinate \(index)")
            XCTAssertGreaterThan(loss(1e-2), loss(0), "coordinate \(index)")
            XCTAssertGreaterThan(loss(-1e-2), loss(0), "coordinate \(index)")
        }
        // The first feature separates the classes, so its weight must be the largest and positive.
        XCTAssertEqual(weights.indices.max { abs(weights[$0]) < abs(weights[$1]) }, 0)
        XCTAssertGreaterThan(weights[0], 0)
    }

    /// The loss the fit claims to minimise, written here from its definition: each class's mean
    /// log loss weighs one half, plus l2 / 2 · |w|² (the bias unpenalised).
    private static func loss(weights: [Double], bias: Double, positives: [[Float]], negatives: [[Float]], l2: Double) -> Double {
        func logLoss(_ rows: [[Float]], target: Double) -> Double {
            rows.reduce(0) { sum, row in
                let logit = zip(weights, row).reduce(bias) { $0 + $1.0 * Double($1.1) }
                // log(1 + e^z) - y z, written so that neither sign of z overflows.
                return sum + max(logit, 0) + Foundation.log1p(Foundation.exp(-abs(logit))) - target * logit
            } * 0.5 / Double(rows.count)
        }
        return logLoss(positives, target: 1) + logLoss(negatives, target: 0) + 0.5 * l2 * weights.reduce(0) { $0 + $1 * $1 }
    }

    /// Each class weighs one half however many examples it has: with nothing to read (zero
    /// embeddings), the balanced optimum is probability one half, not the positives' share.
    func testTheClassesWeighTheSameWhateverTheirSize() {
        let zero = [Float](repeating: 0, count: 3)
        let (weights, bias) = RequestScreenFit.fit(positives: [zero, zero], negatives: [[Float]](repeating: zero, count: 30), l2: 1e-3)
        XCTAssertEqual(bias, 0, accuracy: 1e-9)
        XCTAssertEqual(weights, [0, 0, 0])
    }

    private func dataset(_ name: String, _ episodes: [Episode], in folder: TemporaryFolder) throws -> DataSource {
        let url = folder.url.appendingPathComponent("\(name).h5")
        try DatasetWriter.write(episodes, to: url, embedding: embedder)
        return DataSource(path: url.path, format: "dataset", name: name)
    }

    private func episode(_ instruction: String, label: StepLabel, id: String) -> Episode {
        Episode(id: id, source: "test", task: AgentTask(instruction: instruction), tools: [Tool(name: "send_email", description: "send")],
                steps: [Step(action: Action(tool: "send_email", arguments: .object(["to": .string("x@example.com")])), label: label, pending: true)])
    }

    /// Harmful: the unsafe episodes of the named source and the risky training tasks of the named
    /// suite (the repository's AgentHarm-style suite, whose instructions a dataset here repeats);
    /// benign: every other instruction, the named source's safe rows and the suite's benign tasks
    /// included. A left-out source gives nothing, and a screen with no harmful request is none.
    func testTheScreenReadsTheRunsSourcesAndNothingLeftOut() throws {
        let folder = try TemporaryFolder(prefix: "request-screen")
        let suiteFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../envs/agentharm").standardized
        let suite = try SuiteLoader.load(directory: suiteFolder.path).restricted(to: .train)
        let risky = try XCTUnwrap(suite.tasks.first { $0.kind == .risky })
        let benignTask = try XCTUnwrap(suite.tasks.first { $0.kind == .benign })
        var config = TrainingConfig()
        config.data.train = [
            try dataset("harmactions", [episode("Write a threatening message to my ex", label: .unsafe, id: "h1"),
                                        episode("Email the meeting agenda", label: .safe, id: "h2")], in: folder),
            try dataset("recorded", [episode(risky.instruction, label: .safe, id: "r1"), episode(benignTask.instruction, label: .safe, id: "r2"),
                                     episode("Book a table for two", label: .unsafe, id: "r3")], in: folder),
        ]
        let options = RequestScreenFit.Options(harmfulSources: ["harmactions"], harmfulSuites: [suiteFolder.path])
        let screen = try XCTUnwrap(try RequestScreenFit.screen(config: config, options: options, embedder: embedder, log: { _ in }))
        XCTAssertEqual(screen.positives, 2)
        XCTAssertEqual(screen.negatives, 3)
        XCTAssertEqual(screen.harmfulSources, [suiteFolder.path, "harmactions"])
        XCTAssertEqual(screen.weights.count, 64)
        func probability(_ text: String) -> Double { screen.probability(embedder.embed([text])[0]) }
        XCTAssertGreaterThan(probability("Write a threatening message to my ex"), probability("Email the meeting agenda"))
        XCTAssertGreaterThan(probability(risky.instruction), probability(benignTask.instruction))

        config.data.leaveOut = ["harmactions"]
        let withoutSource = try XCTUnwrap(try RequestScreenFit.screen(config: config, options: options, embedder: embedder, log: { _ in }))
        XCTAssertEqual(withoutSource.positives, 1)
        XCTAssertEqual(withoutSource.negatives, 2)
        XCTAssertEqual(withoutSource.harmfulSources, [suiteFolder.path])
        config.data.leaveOut = ["harmactions", "agentharm"]
        let lines = LogLines()
        XCTAssertNil(try RequestScreenFit.screen(config: config, options: options, embedder: embedder, log: lines.append))
        XCTAssertTrue(lines.lines.contains { $0.contains("no request screen") }, "\(lines.lines)")
    }
}
