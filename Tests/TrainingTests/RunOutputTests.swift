import HDF5Store
import KernelThreads
import Metrics
import NeuralNet
import RunLog
import TestSupport
import TextEncoder
import Training
import XCTest

/// One full run on the synthetic task (both stages and the baselines), shared by the tests that
/// read its outputs.
final class RunOutputTests: XCTestCase {
    private static var folder: TemporaryFolder?
    private static var result: TrainingResult?

    private func finishedRun() throws -> TrainingResult {
        if let result = Self.result { return result }
        BLASThreads.count = 1
        let folder = try TemporaryFolder(prefix: "training-tests")
        let config = try SyntheticData.writeRun(in: folder.url)
        let request = TrainingRequest(configURL: config, overrides: [
            "stage1.steps=150", "stage2.steps=400", "baselines.enabled=true", "baselines.actionClassifier.steps=150",
        ], runName: "learn", runsRoot: folder.url.appendingPathComponent("runs"), command: "test", showProgress: false)
        let result = try TrainingJob.run(request, interrupt: InterruptFlag(), log: { _ in })
        Self.folder = folder
        Self.result = result
        return result
    }

    private func points(_ tag: String) throws -> [ScalarPoint] {
        try MetricsLog.read(finishedRun().run.url.appendingPathComponent("metrics.jsonl")).filter { $0.tag == tag }
    }

    func testWorldModelAndPolicyLearnTheSyntheticTask() throws {
        for tag in ["stage1/loss", "stage2/loss"] {
            let losses = try points(tag).map(\.value)
            XCTAssertGreaterThan(losses.count, 5, tag)
            XCTAssertLessThan(losses.suffix(3).reduce(0, +) / 3, 0.5 * losses[0], "\(tag): \(losses)")
        }
        let cosines = try points("stage1/val_cosine").map(\.value)
        XCTAssertGreaterThan(cosines.last!, cosines.first! + 0.2, "\(cosines)")
        let macroF1 = try points("stage2/val_macro_f1").map(\.value)
        XCTAssertGreaterThan(macroF1.max()!, 0.9, "chance is about 0.33: \(macroF1)")
        let evaluation = try XCTUnwrap(finishedRun().evaluation)
        let rows = Dictionary(uniqueKeysWithValues: evaluation.tables[0].rows.map { ($0.name, $0.values) })
        XCTAssertEqual(Set(rows.keys), ["majority class", "action classifier only", "stage 2 without world model", "stage 1 + 2", "stage 1 + 2 + 3"])
        XCTAssertLessThan(rows["majority class"]!["macro_f1"]!!, 0.4)
        XCTAssertGreaterThan(rows["stage 1 + 2"]!["macro_f1"]!!, 0.9)
        XCTAssertGreaterThan(rows["stage 1 + 2"]!["withheld_f1"]!!, 0.9)
        XCTAssertGreaterThan(rows["stage 1 + 2 + 3"]!["macro_f1"]!!, 0.9)
        XCTAssertGreaterThan(rows["stage 1 + 2 + 3"]!["withheld_f1"]!!, 0.9)
        XCTAssertNil(rows["action classifier only"]!["withheld_f1"]!)
    }

    func testRunFolderHoldsConfigFactsAndEvaluation() throws {
        let run = try finishedRun().run
        let facts = try run.readFacts()
        XCTAssertEqual(facts.status, .finished)
        XCTAssertEqual(facts.seed, 11)
        XCTAssertEqual(facts.stages, ["stage1", "stage2", "stage3"])
        XCTAssertNotNil(facts.durationSeconds)
        XCTAssertEqual(facts.kernels, RunFacts.kernelsInUse())
        XCTAssertTrue(facts.kernels?.contains("OpenBLAS \(OpenBLASKernels.coreName)") == true, facts.kernels ?? "no kernels recorded")
        XCTAssertEqual(facts.cpu, CPUFeatures.modelName)
        let resolved = try String(contentsOf: run.configURL, encoding: .utf8)
        XCTAssertTrue(resolved.contains("steps: 150"), resolved)
        XCTAssertTrue(resolved.contains("patience: 100"), resolved)
        let evaluation = try JSONDecoder().decode(EvaluationTables.self, from: Data(contentsOf: run.evalURL))
        XCTAssertEqual(evaluation, try finishedRun().evaluation)
    }

    /// TensorBoard's own reader finds every stage tag, with the steps and values of metrics.jsonl.
    func testTensorBoardReadsTheStageTags() throws {
        let run = try finishedRun().run
        let script = """
        import json, sys
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        acc = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
        acc.Reload()
        print(json.dumps({tag: [[e.step, e.value] for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}))
        """
        let read = try JSONDecoder().decode([String: [[Double]]].self, from: Data(PythonRunner.run(script, arguments: [run.url.path]).utf8))
        let tags = ["stage1/loss", "stage1/loss_next", "stage1/loss_class", "stage1/loss_unsafe", "stage1/val_cosine", "lr/stage1",
                    "stage2/loss", "stage2/val_macro_f1", "stage2/val_accuracy", "stage2/val_unsafe_recall", "stage2/val_withheld_f1", "lr/stage2",
                    "rl/reward_combined", "rl/reward_safety", "rl/reward_tools", "rl/kl", "rl/lambda", "rl/val_macro_f1", "lr/stage3"]
        for tag in tags {
            let expected = try points(tag)
            let got = try XCTUnwrap(read[tag], "TensorBoard has no \(tag); it has \(read.keys.sorted())")
            XCTAssertEqual(got.map { Int($0[0]) }, expected.map(\.step), tag)
            for (pair, point) in zip(got, expected) {
                XCTAssertEqual(pair[1], Double(Float(point.value)), accuracy: 1e-6, tag)
            }
        }
    }

    /// h5py reads the final stage-2 checkpoint: the policy's tensors under /model with the
    /// values Swift saved, and the step in /training.
    func testH5pyReadsACheckpoint() throws {
        let run = try finishedRun().run
        let resumption = try XCTUnwrap(CheckpointDirectory(path: run.checkpointsURL.appendingPathComponent("stage2").path).latest())
        let script = """
        import h5py, json, sys
        with h5py.File(sys.argv[1], "r") as f:
            names = []
            f["model"].visititems(lambda name, item: names.append(name) if isinstance(item, h5py.Dataset) else None)
            weight = f["model/policy/verdict_head.weight"]
            print(json.dumps({"names": sorted(names), "shape": list(weight.shape), "values": weight[()].ravel().tolist(),
                              "step": int(f["training"].attrs["step"]), "config": json.loads(f.attrs["config"])["seed"]}))
        """
        struct Read: Decodable { let names: [String]; let shape: [Int]; let values: [Float]; let step: Int; let config: Int }
        let read = try JSONDecoder().decode(Read.self, from: Data(PythonRunner.run(script, arguments: [resumption.path]).utf8))
        XCTAssertEqual(read.names, resumption.checkpoint.tensors.keys.sorted())
        XCTAssertTrue(read.names.contains("policy/tool1.weight"))
        let weight = try XCTUnwrap(resumption.checkpoint.tensors["policy/verdict_head.weight"])
        XCTAssertEqual(read.shape, [3, 32])
        XCTAssertEqual(read.values, weight.values)
        XCTAssertEqual(read.step, resumption.step)
        XCTAssertEqual(read.config, 11)
    }
}
