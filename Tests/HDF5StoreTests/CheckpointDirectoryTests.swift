import Foundation
import XCTest
@testable import HDF5Store

final class CheckpointDirectoryTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(self)
    }

    func testFileNamesAreZeroPaddedSteps() {
        XCTAssertEqual(CheckpointDirectory.fileName(step: 100), "step-00000100.h5")
        XCTAssertEqual(CheckpointDirectory.step(fromFileName: "step-00000100.h5"), 100)
        XCTAssertNil(CheckpointDirectory.step(fromFileName: "step-00000100.h5.tmp-12"))
        XCTAssertNil(CheckpointDirectory.step(fromFileName: "step-.h5"))
        XCTAssertNil(CheckpointDirectory.step(fromFileName: "notes.txt"))
    }

    func testSaveKeepsPreviousCheckpointsAndLatestLoadsTheNewest() throws {
        let checkpoints = CheckpointDirectory(path: directory.appendingPathComponent("run/checkpoints").path)
        XCTAssertNil(try checkpoints.latest())
        for step in [100, 300, 200] {
            try checkpoints.save(CheckpointFixtures.sample(step: Int64(step)), step: step)
        }
        XCTAssertEqual(try checkpoints.savedSteps(), [100, 200, 300])
        let resumption = try XCTUnwrap(try checkpoints.latest())
        XCTAssertEqual(resumption.step, 300)
        XCTAssertEqual(resumption.checkpoint, CheckpointFixtures.sample(step: 300))
        XCTAssertEqual(resumption.skipped, [])
    }

    func testKeepLastRemovesTheOldest() throws {
        let checkpoints = CheckpointDirectory(path: directory.path, keepLast: 2)
        for step in [1, 2, 3, 4] {
            try checkpoints.save(CheckpointFixtures.sample(step: Int64(step)), step: step)
        }
        XCTAssertEqual(try checkpoints.savedSteps(), [3, 4])
    }

    func testKeepLastNeverRemovesTheCheckpointJustSaved() throws {
        let checkpoints = CheckpointDirectory(path: directory.path, keepLast: 1)
        try checkpoints.save(CheckpointFixtures.sample(step: 200), step: 200)
        try checkpoints.save(CheckpointFixtures.sample(step: 150), step: 150)
        XCTAssertEqual(try checkpoints.savedSteps(), [150])
        XCTAssertEqual(try checkpoints.latest()?.checkpoint, CheckpointFixtures.sample(step: 150))
    }

    func testLatestThrowsNamingEveryFileWhenNoneVerifies() throws {
        let checkpoints = CheckpointDirectory(path: directory.path)
        for step in [1, 2] {
            let file = try checkpoints.save(CheckpointFixtures.sample(step: Int64(step)), step: step)
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: file))
        }
        XCTAssertThrowsError(try checkpoints.latest()) { error in
            let error = error as? CheckpointError
            XCTAssertEqual(error?.file, self.directory.path)
            XCTAssertTrue(error?.problem.contains("step-2 (not a SafeMCP checkpoint") ?? false, "\(String(describing: error))")
            XCTAssertTrue(error?.problem.contains("step-1 (not a SafeMCP checkpoint") ?? false, "\(String(describing: error))")
        }
    }

    func testSaveRemovesTemporaryFilesOfDeadProcessesOnly() throws {
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let abandoned = directory.appendingPathComponent("step-00000005.h5.tmp-\(finished.processIdentifier)")
        let live = directory.appendingPathComponent("step-00000006.h5.tmp-\(getpid())")
        let unrelated = directory.appendingPathComponent("notes.tmp-1")
        for url in [abandoned, live, unrelated] { try Data("partial".utf8).write(to: url) }

        try CheckpointDirectory(path: directory.path).save(CheckpointFixtures.sample(), step: 7)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        XCTAssertEqual(names, [live.lastPathComponent, unrelated.lastPathComponent, "step-00000007.h5"])
    }
}
