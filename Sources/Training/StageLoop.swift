import Foundation
import HDF5Store
import NeuralNet
import PolicyRuntime
import RunLog

/// What a stage's loop needs from the job around it. Baselines trained in passing have no
/// checkpoint folder and no metrics log.
struct StageContext {
    /// The tag namespace and checkpoint subfolder: `stage1`, `stage2`.
    var name: String
    var checkpoints: CheckpointDirectory?
    var checkpointInterval: Int
    var logInterval: Int
    var metrics: MetricsLog?
    var interrupt: InterruptFlag
    var configJSON: String
    var log: (String) -> Void
    /// Called after every step with the number of steps done (tests interrupt a run with it).
    var afterStep: ((String, Int) -> Void)?
    var showProgress: Bool
}

enum StageOutcome: Equatable {
    case finished
    case interrupted
}

/// The state a stage keeps beyond weights, optimiser and dropout streams (early stopping).
struct StageExtraState {
    var tensors: [String: Checkpoint.Tensor] = [:]
    var integers: [String: Int64] = [:]
}

/// One stage's training loop, shared by the stages: the step's batch from `ExampleOrder`, the
/// learning rate from the schedule, evaluation every `evalInterval` steps (which may stop the
/// stage early), metrics, checkpoints every `checkpointInterval` steps and at the end, and a
/// checkpoint before returning `.interrupted` when the interrupt flag is raised.
struct StageLoop {
    var context: StageContext
    var network: NetworkModule
    var optimizer: AdamW
    var schedule: LearningRateSchedule
    var totalSteps: Int
    var evalInterval: Int
    /// Trains on one batch at a learning rate; returns the scalars to log (the first is the loss).
    var trainStep: (_ step: Int, _ learningRate: Float) -> [(tag: String, value: Double)]
    /// Evaluates after `stepsDone` steps; returns the scalars to log and whether to stop now.
    var evaluate: (_ stepsDone: Int) -> (scalars: [(tag: String, value: Double)], stop: Bool)
    var extraState: () -> StageExtraState = { StageExtraState() }
    var restoreExtraState: (StageExtraState) throws -> Void = { _ in }
    /// Called once when the stage ends (normally or early), before the final checkpoint.
    var finish: () -> Void = {}

    /// Runs from the newest good checkpoint of the stage (if `resume`) to the end.
    func run(resume: Bool) throws -> StageOutcome {
        var start = 0
        if resume, let directory = context.checkpoints, let resumption = try directory.latest() {
            for skipped in resumption.skipped {
                context.log("\(context.name): checkpoint \(directory.filePath(step: skipped.step)) is damaged (\(skipped.error.problem)); falling back to an older one")
            }
            try restore(resumption.checkpoint, file: resumption.path)
            start = Int(resumption.checkpoint.trainingState["step"] ?? 0)
            if resumption.checkpoint.trainingState["complete"] == 1 {
                context.log("\(context.name): complete in \(resumption.path)")
                return .finished
            }
            context.log("\(context.name): resuming from \(resumption.path) at step \(start)")
        }
        let progress = context.showProgress ? ProgressReporter(label: context.name, total: totalSteps) : nil
        var step = start
        while step < totalSteps {
            let rate = schedule.rate(atStep: step)
            let scalars = trainStep(step, rate)
            step += 1
            if step % context.logInterval == 0 || step == totalSteps {
                try context.metrics?.log(step: step, scalars + [("lr/\(context.name)", Double(rate))])
            }
            var stop = false
            if step % evalInterval == 0 || step == totalSteps {
                let evaluation = evaluate(step)
                try context.metrics?.log(step: step, evaluation.scalars)
                stop = evaluation.stop
                if stop && step < totalSteps { context.log("\(context.name): early stop at step \(step)") }
            }
            progress?.update(step, scalars.prefix(1).map { ("loss", $0.value) })
            context.afterStep?(context.name, step)
            if stop || step == totalSteps {
                finish()
                try save(step: step, complete: true)
                return .finished
            }
            if context.interrupt.isRaised {
                try save(step: step, complete: false)
                return .interrupted
            }
            if step % context.checkpointInterval == 0 {
                try save(step: step, complete: false)
            }
        }
        finish()
        try save(step: step, complete: true)
        return .finished
    }

    func checkpoint(step: Int, complete: Bool) -> Checkpoint {
        var optimizerState = optimizer.exportState()
        let optimizerStep = optimizerState.removeValue(forKey: "step")?.first ?? 0
        let extra = extraState()
        var tensors = network.tensors()
        tensors.merge(extra.tensors) { current, _ in current }
        var training = extra.integers
        training["step"] = Int64(step)
        training["complete"] = complete ? 1 : 0
        return Checkpoint(
            tensors: tensors,
            optimizerTensors: optimizerState.mapValues { Checkpoint.Tensor(shape: [$0.count], values: $0) },
            optimizerScalars: ["step": Double(optimizerStep)],
            rngState: network.dropoutState,
            trainingState: training,
            configJSON: context.configJSON)
    }

    private func save(step: Int, complete: Bool) throws {
        guard let directory = context.checkpoints else { return }
        let path = try directory.save(checkpoint(step: step, complete: complete), step: step)
        context.log("\(context.name): checkpoint \(path)")
    }

    private func restore(_ checkpoint: Checkpoint, file: String) throws {
        guard checkpoint.configJSON == context.configJSON else { throw TrainingError.configMismatch(file) }
        try network.load(checkpoint.tensors, file: file)
        var state = checkpoint.optimizerTensors.mapValues(\.values)
        state["step"] = [Float(checkpoint.optimizerScalars["step"] ?? 0)]
        try optimizer.importState(state)
        try network.restoreDropoutState(checkpoint.rngState, file: file)
        try restoreExtraState(StageExtraState(tensors: checkpoint.tensors, integers: checkpoint.trainingState))
    }
}
