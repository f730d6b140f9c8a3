import Environments
import Episodes
import Foundation
import NeuralNet
import PolicyRuntime
import TextEncoder

/// Fits a bundle's `RequestScreen` on the run's own training sources, as `safemcp export` does:
/// the sources of `data.train` that `data.leaveOut` does not name, so a source left out of
/// training is out of the screen too. Nothing of AgentHarm is read (it is evaluation-only).
///
/// Harmful requests are the instructions of the episodes with an unsafe step in the named
/// sources (HarmActions: a harmful or unethical row's prompt) and of the risky training tasks of
/// the named suites (the project's AgentHarm-style suite, where the request is the harm);
/// every other training instruction is a benign request (PowerSeeking's and ToolEmu's risky
/// tasks are ordinary requests under pressure or underspecified, so they are benign here).
public enum RequestScreenFit {
    public struct Options: Equatable, Sendable {
        /// Sources of `data.train`, by name, whose episodes with an unsafe step are harmful requests.
        public var harmfulSources: [String]
        /// Suite folders whose risky training tasks are harmful requests.
        public var harmfulSuites: [String]
        public var flag: Double
        public var allowAbove: Double
        /// The L2 penalty on the weights, against the mean class-balanced log loss.
        public var l2: Double

        public init(harmfulSources: [String] = ["harmactions"], harmfulSuites: [String] = ["envs/agentharm"], flag: Double = 0.5,
                    allowAbove: Double = 0.9, l2: Double = 1e-3) {
            self.harmfulSources = harmfulSources
            self.harmfulSuites = harmfulSuites
            self.flag = flag
            self.allowAbove = allowAbove
            self.l2 = l2
        }
    }

    /// The screen of a run whose resolved config is `config`; nil (and a log line saying why)
    /// when its training data holds no harmful request or no benign one.
    public static func screen(config: TrainingConfig, options: Options, embedder: TextEmbedder,
                              log: (String) -> Void) throws -> RequestScreen? {
        var table = EmbeddingTable(dimension: embedder.dimension, encoderID: embedder.id)
        var harmfulTasks = Set<String>()
        var used: [String] = []
        for folder in options.harmfulSuites where !config.data.leaveOut.contains((folder as NSString).lastPathComponent) {
            let suite: Suite
            do {
                suite = try SuiteLoader.load(directory: folder)
            } catch {
                throw TrainingError.unreadable(folder, "the request screen's harmful-request suite: \(error)")
            }
            harmfulTasks.formUnion(suite.restricted(to: .train).tasks.filter { $0.kind == .risky }.map(\.instruction))
            used.append(folder)
        }
        var harmful: [String] = []
        var benign: [String] = []
        for source in config.data.train where !config.data.isLeftOut(source) {
            let fromHarmfulSource = options.harmfulSources.contains(source.resolvedName)
            if fromHarmfulSource { used.append(source.resolvedName) }
            for episode in try TrainingData.readSource(source, into: &table, log: log) where episode.evaluationOnly != true {
                let text = EpisodeTexts.instruction(episode.task)
                guard !text.isEmpty else { continue }
                let isHarmful = harmfulTasks.contains(episode.task.instruction)
                    || (fromHarmfulSource && episode.steps.contains { $0.label == .unsafe })
                if isHarmful { harmful.append(text) } else { benign.append(text) }
            }
        }
        harmful = distinct(harmful)
        let harmfulSet = Set(harmful)
        benign = distinct(benign).filter { !harmfulSet.contains($0) }
        guard !harmful.isEmpty, !benign.isEmpty else {
            log("export: no request screen: the training data holds \(harmful.count) harmful and \(benign.count) benign requests")
            return nil
        }
        try table.embedMissing(harmful + benign, with: embedder, log: log)
        let (weights, bias) = fit(positives: harmful.map(table.vector), negatives: benign.map(table.vector), l2: options.l2)
        log("export: request screen fitted on \(harmful.count) harmful requests (\(used.joined(separator: ", "))) and \(benign.count) benign ones")
        return RequestScreen(weights: weights, bias: bias, flag: options.flag, allowAbove: options.allowAbove,
                             positives: harmful.count, negatives: benign.count, harmfulSources: used)
    }

    /// The minimiser of the class-balanced logistic loss (each class weighs one half, however
    /// many examples it has) plus `l2 / 2 · |w|²` (the bias is not penalised), by Nesterov's
    /// accelerated gradient for strongly convex functions. Deterministic: no sampling.
    public static func fit(positives: [[Float]], negatives: [[Float]], l2: Double,
                           iterations: Int = 3000) -> (weights: [Double], bias: Double) {
        let rows = (positives + negatives).map { $0.map(Double.init) }
        let targets = [Double](repeating: 1, count: positives.count) + [Double](repeating: 0, count: negatives.count)
        let shares = [Double](repeating: 0.5 / Double(positives.count), count: positives.count)
            + [Double](repeating: 0.5 / Double(negatives.count), count: negatives.count)
        let dimension = rows.first?.count ?? 0
        // The loss's gradient is Lipschitz with at most a quarter of the largest |x|² + 1 (the
        // shares sum to one) plus l2: the step 1 / lipschitz never overshoots.
        let largestSquare = rows.map { $0.reduce(0) { $0 + $1 * $1 } }.max() ?? 0
        let lipschitz = 0.25 * (largestSquare + 1) + l2
        let step = 1 / lipschitz
        let root = (lipschitz / l2).squareRoot()
        let momentum = (root - 1) / (root + 1)
        var point = [Double](repeating: 0, count: dimension + 1)
        var previous = point
        for _ in 0..<iterations {
            var look = point
            for index in look.indices { look[index] += momentum * (point[index] - previous[index]) }
            let gradient = lossGradient(at: look, rows: rows, targets: targets, shares: shares, l2: l2)
            previous = point
            for index in point.indices { point[index] = look[index] - step * gradient[index] }
            if gradient.reduce(0, { $0 + $1 * $1 }) < 1e-20 { break }
        }
        return (Array(point.prefix(dimension)), point[dimension])
    }

    private static func lossGradient(at point: [Double], rows: [[Double]], targets: [Double], shares: [Double], l2: Double) -> [Double] {
        let dimension = point.count - 1
        var gradient = [Double](repeating: 0, count: point.count)
        for (row, (target, share)) in zip(rows, zip(targets, shares)) {
            var logit = point[dimension]
            for index in 0..<dimension { logit += point[index] * row[index] }
            let residual = share * (Probabilities.sigmoid(logit) - target)
            for index in 0..<dimension { gradient[index] += residual * row[index] }
            gradient[dimension] += residual
        }
        for index in 0..<dimension { gradient[index] += l2 * point[index] }
        return gradient
    }

    private static func distinct(_ texts: [String]) -> [String] {
        var seen = Set<String>()
        return texts.filter { seen.insert($0).inserted }
    }
}
