import HDF5Store
import NeuralNet
import RunLog
import Training
import TestSupport
import XCTest

final class ResumeTests: XCTestCase {
    override func setUp() {
        BLASThreads.count = 1
    }

    private func request(_ config: URL, runs: URL, name: String, resume: Bool = false, stages: StageSelection = .all,
                         overrides: [String] = []) -> TrainingRequest {
        TrainingRequest(configURL: config, overrides: overrides, stages: stages, runName: name, runsRoot: runs, resume: resume,
                        command: "test", showProgress: false)
    }

    /// Runs the job, raising the interrupt flag once `stage` has done `step` steps.
    private func run(_ request: TrainingRequest, interruptAt: (stage: String, step: Int)? = nil, log: LogLines = LogLines()) throws -> TrainingResult {
        let flag = InterruptFlag()
        return try TrainingJob.run(request, interrupt: flag, afterStep: { stage, step in
            if let interruptAt, interruptAt.stage == stage, interruptAt.step == step { flag.raise() }
        }, log: log.append)
    }

    private func finalCheckpoint(_ run: RunDirectory, _ stage: String) throws -> Checkpoint {
        let resumption = try XCTUnwrap(CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent(stage).path).latest())
        XCTAssertEqual(resumption.checkpoint.trainingState["complete"], 1)
        return resumption.checkpoint
    }

    /// 20 steps, Ctrl-C, resume, 20 more (in each stage, stage 3's sampling included) must give the very same weights and
    /// optimiser moments as 40 steps in one go.
    func testInterruptedAndResumedRunEqualsOneGo() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url)
        let runs = folder.url.appendingPathComponent("runs")
        let straight = try run(request(config, runs: runs, name: "straight"))
        XCTAssertEqual(straight.status, .finished)

        let first = try run(request(config, runs: runs, name: "resumed"), interruptAt: ("stage1", 20))
        XCTAssertEqual(first.status, .interrupted)
        XCTAssertEqual(try first.run.readFacts().status, .interrupted)
        let second = try run(request(config, runs: runs, name: "resumed", resume: true), interruptAt: ("stage2", 20))
        XCTAssertEqual(second.status, .interrupted)
        let interruptedInStage3 = try run(request(config, runs: runs, name: "resumed", resume: true), interruptAt: ("stage3", 20))
        XCTAssertEqual(interruptedInStage3.status, .interrupted)
        let third = try run(request(config, runs: runs, name: "resumed", resume: true))
        XCTAssertEqual(third.status, .finished)
        XCTAssertEqual(try third.run.readFacts().status, .finished)

        for stage in ["stage1", "stage2", "stage3"] {
            let expected = try finalCheckpoint(straight.run, stage)
            let actual = try finalCheckpoint(third.run, stage)
            XCTAssertEqual(Set(actual.tensors.keys), Set(expected.tensors.keys), stage)
            for (name, tensor) in expected.tensors {
                XCTAssertEqual(actual.tensors[name]?.values.map(\.bitPattern), tensor.values.map(\.bitPattern), "\(stage) \(name)")
            }
            XCTAssertEqual(actual.optimizerTensors, expected.optimizerTensors, stage)
            XCTAssertEqual(actual.optimizerScalars, expected.optimizerScalars, stage)
            XCTAssertEqual(actual.rngState, expected.rngState, stage)
        }
        XCTAssertEqual(third.evaluation, straight.evaluation)
    }

    /// Stages 1, 2 and 3 run one at a time (each later one with --resume, reading the earlier
    /// stages' checkpoints) end where `--stage all` ends; stage 3 before stage 2 is refused.
    func testStagesOneAtATimeEqualAllAtOnce() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url)
        let runs = folder.url.appendingPathComponent("runs")
        let straight = try run(request(config, runs: runs, name: "straight"))
        _ = try run(request(config, runs: runs, name: "staged", stages: .stage1))
        XCTAssertThrowsError(try run(request(config, runs: runs, name: "staged", resume: true, stages: .stage3))) { error in
            XCTAssertTrue("\(error)".contains("no finished stage2"), "\(error)")
        }
        _ = try run(request(config, runs: runs, name: "staged", resume: true, stages: .stage2))
        let last = try run(request(config, runs: runs, name: "staged", resume: true, stages: .stage3))
        XCTAssertEqual(last.status, .finished)
        XCTAssertEqual(try last.run.readFacts().stages, ["stage3"])
        let expected = try finalCheckpoint(straight.run, "stage3")
        let actual = try finalCheckpoint(last.run, "stage3")
        for (name, tensor) in expected.tensors {
            XCTAssertEqual(actual.tensors[name]?.values.map(\.bitPattern), tensor.values.map(\.bitPattern), name)
        }
        XCTAssertEqual(last.evaluation, straight.evaluation)
    }

    /// A damaged newest checkpoint is passed over, the job says so, and resumes from the one
    /// before it, still ending where an uninterrupted run ends.
    func testTornLastCheckpointFallsBackToThePreviousOne() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url, extraYAML: "")
        let runs = folder.url.appendingPathComponent("runs")
        let overrides = ["checkpoints.interval=10"]
        let straight = try run(request(config, runs: runs, name: "straight", stages: .stage1, overrides: overrides))
        XCTAssertEqual(straight.status, .finished)

        let first = try run(request(config, runs: runs, name: "torn", stages: .stage1, overrides: overrides), interruptAt: ("stage1", 25))
        XCTAssertEqual(first.status, .interrupted)
        let directory = CheckpointDirectory(path: first.run.checkpointsURL.appendingPathComponent("stage1").path)
        XCTAssertEqual(try directory.savedSteps(), [10, 20, 25])
        let newest = directory.filePath(step: 25)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: newest))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: newest))

        let log = LogLines()
        let resumed = try run(request(config, runs: runs, name: "torn", resume: true, stages: .stage1, overrides: overrides), log: log)
        XCTAssertEqual(resumed.status, .finished)
        XCTAssertTrue(log.lines.contains { $0.contains(newest) && $0.contains("damaged") && $0.contains("falling back") }, "\(log.lines)")
        XCTAssertTrue(log.lines.contains { $0.contains("resuming from") && $0.contains("step-00000020.h5") && $0.contains("step 20") }, "\(log.lines)")
        XCTAssertEqual(try finalCheckpoint(resumed.run, "stage1").tensors, try finalCheckpoint(straight.run, "stage1").tensors)
    }

    func testExistingRunWithoutResumeIsAnErrorAndResumeNeedsARun() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url)
        let runs = folder.url.appendingPathComponent("runs")
        XCTAssertThrowsError(try run(request(config, runs: runs, name: "absent", resume: true))) { error in
            XCTAssertTrue("\(error)".contains("no run to resume"), "\(error)")
        }
        _ = try run(request(config, runs: runs, name: "once", stages: .stage1, overrides: ["stage1.steps=2"]))
        XCTAssertThrowsError(try run(request(config, runs: runs, name: "once", stages: .stage1, overrides: ["stage1.steps=2"]))) { error in
            XCTAssertTrue("\(error)".contains("already holds a run"), "\(error)")
        }
    }

    /// Ctrl-C while the data is being embedded (minutes with MiniLM) ends the job as
    /// interrupted before any stage starts; --resume then trains from the start.
    func testCtrlCWhileEmbeddingEndsTheJobAndResumeStartsOver() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url)
        let runs = folder.url.appendingPathComponent("runs")
        // The dataset's embeddings are 64-wide; asking for 32 makes the job embed every text again.
        let overrides = ["encoder.hashingDimension=32", "stage1.steps=2"]
        let flag = InterruptFlag()
        flag.raise()
        let interrupted = try TrainingJob.run(request(config, runs: runs, name: "early", stages: .stage1, overrides: overrides),
                                              interrupt: flag, log: { _ in })
        XCTAssertEqual(interrupted.status, .interrupted)
        XCTAssertEqual(try interrupted.run.readFacts().status, .interrupted)
        let stage1 = CheckpointDirectory(path: interrupted.run.checkpointsURL.appendingPathComponent("stage1").path)
        XCTAssertEqual(try stage1.savedSteps(), [])
        let resumed = try run(request(config, runs: runs, name: "early", resume: true, stages: .stage1, overrides: overrides))
        XCTAssertEqual(resumed.status, .finished)
        XCTAssertEqual(try stage1.savedSteps(), [2])
    }

    func testResumeWithAnotherConfigIsRefused() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url)
        let runs = folder.url.appendingPathComponent("runs")
        _ = try run(request(config, runs: runs, name: "r", stages: .stage1), interruptAt: ("stage1", 5))
        XCTAssertThrowsError(try run(request(config, runs: runs, name: "r", resume: true, stages: .stage1, overrides: ["stage1.learningRate=0.5"]))) { error in
            XCTAssertTrue("\(error)".contains("config differs"), "\(error)")
        }
        let run = try RunDirectory(root: runs, name: "r")
        XCTAssertEqual(try run.readFacts().status, .interrupted)
        XCTAssertEqual(try TrainingJob.loadConfig(run.configURL, overrides: []).stage1.learningRate, 0.001)
    }

    /// The real command: SIGINT makes it checkpoint, mark the run interrupted and exit 130.
    func testCtrlCCheckpointsAndExitsWith130() throws {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url)
        let runs = folder.url.appendingPathComponent("runs")
        let process = Process()
        process.executableURL = try SafeMCPExecutable.url()
        process.arguments = ["train", "--config", config.path, "--runs", runs.path, "--run", "c", "--set", "stage1.steps=1000000"]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let metrics = runs.appendingPathComponent("c/metrics.jsonl")
        var waited = 0
        while (try? MetricsLog.read(metrics).isEmpty) ?? true, waited < 600 {
            usleep(100_000)
            waited += 1
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let run = try RunDirectory(root: runs, name: "c")
        XCTAssertEqual(try run.readFacts().status, .interrupted)
        let latest = try XCTUnwrap(CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent("stage1").path).latest())
        XCTAssertEqual(latest.checkpoint.trainingState["complete"], 0)
        XCTAssertGreaterThanOrEqual(latest.step, 10)
    }
}
