import Foundation
import HDF5Store
import TestSupport
import Training
import XCTest

/// `stage1.crossFitFolds`: stage 2 reads world-model predictions made without the step's task.
final class CrossFitTests: XCTestCase {
    private func stage2Weights(_ overrides: [String], name: String, folder: TemporaryFolder, log: LogLines) throws -> [String: [Float]] {
        let config = try SyntheticData.writeRun(in: folder.url)
        let request = TrainingRequest(configURL: config, overrides: overrides + ["stage3.steps=1"], runName: name,
                                      runsRoot: folder.url.appendingPathComponent("runs"), command: "test", showProgress: false)
        let result = try TrainingJob.run(request, interrupt: InterruptFlag(), log: log.append)
        XCTAssertEqual(result.status, .finished)
        let latest = try XCTUnwrap(try CheckpointDirectory(path: result.run.checkpointsURL.appendingPathComponent("stage2").path).latest())
        return latest.checkpoint.tensors.filter { $0.key.hasPrefix("policy/") }.mapValues(\.values)
    }

    func testCrossFittedStage2IsDeterministicAndDiffersFromInSample() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let log = LogLines()
        let first = try stage2Weights(["stage1.crossFitFolds=2"], name: "a", folder: folder, log: log)
        XCTAssertTrue(log.lines.contains { $0.contains("cross-fitted world-model predictions (2 folds by task)") }, "\(log.lines)")
        let second = try stage2Weights(["stage1.crossFitFolds=2"], name: "b", folder: folder, log: LogLines())
        XCTAssertEqual(first, second)
        let inSample = try stage2Weights([], name: "c", folder: folder, log: LogLines())
        XCTAssertNotEqual(first, inSample)
    }

    func testOneFoldIsRefused() throws {
        var config = TrainingConfig()
        config.stage1.crossFitFolds = 1
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("stage1.crossFitFolds"), "\($0)") }
    }
}
