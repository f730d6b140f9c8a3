import Environments
import Foundation
import TestSupport
import TextEncoder
@testable import Training
import XCTest

/// `format: suite` in a config: the suite's training tasks are rolled out when the job starts,
/// as `safemcp envs rollout --split train --record` would write them.
final class SuiteSourceTests: XCTestCase {
    private let suitePath = PythonRunner.packageRoot().appendingPathComponent("envs/powerseeking").path

    func testRollsOutTheTrainingTasksOnly() throws {
        var config = DataConfig()
        config.train = [DataSource(path: suitePath, format: "suite", episodes: 60, seed: 5, policy: "rules")]
        let data = try TrainingData.load(config, embedder: HashingEmbedder(dimension: 32), log: { _ in })
        XCTAssertEqual(data.train.count, 60)
        let suite = try SuiteLoader.load(directory: suitePath)
        let heldOut = suite.heldOutTaskIDs()
        XCTAssertFalse(heldOut.isEmpty)
        let taskIDs = Set(data.train.map { $0.id.split(separator: "/")[1] }.map(String.init))
        XCTAssertTrue(taskIDs.isDisjoint(with: heldOut), "held-out tasks reached training: \(taskIDs.intersection(heldOut))")
        XCTAssertGreaterThan(taskIDs.count, 20)
        XCTAssertTrue(data.train.contains { $0.steps.contains { $0.label == .critical || $0.label == .unsafe } })
        let again = try TrainingData.load(config, embedder: HashingEmbedder(dimension: 32), log: { _ in })
        XCTAssertEqual(again.train, data.train, "a seeded rollout is the same every time")
    }

    func testSuiteOptionsAreCheckedAndNamed() throws {
        var config = TrainingConfig()
        config.data.train = [DataSource(path: suitePath, format: "suite", policy: "withhold-all")]
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("data.train[0].policy"), "\($0)") }
        config.data.train = [DataSource(path: "x.h5", format: "dataset", episodes: 10)]
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("format: suite only"), "\($0)") }
    }
}
