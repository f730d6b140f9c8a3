import Episodes
import Foundation
import NeuralNet
import TextEncoder

/// Stratified k-fold accuracy of the action classifier on single labelled actions (HarmActions:
/// safe vs harmful/unethical), as the Agent Action Guard paper reports it. The classifier reads
/// one embedding of "context + action"; each fold's model, trained with the `prompt` as context,
/// is scored on its held-out rows three ways: action alone (a model trained on actions alone),
/// with the `prompt`, and with the obfuscated `manipulated_prompt` in its place.
public enum ActionClassifierCrossValidation {
    public struct Result: Codable, Equatable, Sendable {
        public var rows: Int
        public var folds: Int
        public var ensemble: Int
        /// Mean over folds of the held-out accuracy, by input.
        public var actionOnlyAccuracy: Double
        public var promptAccuracy: Double
        public var manipulatedPromptAccuracy: Double
        /// Per-fold accuracies with the `prompt` context.
        public var promptFoldAccuracies: [Double]
    }

    /// With `ensemble` > 1, each fold trains that many models (seeds in a row) and averages their probabilities.
    public static func run(_ episodes: [Episode], embedder: TextEmbedder, folds: Int, config: ActionClassifier.Config,
                           seed: UInt64, ensemble: Int = 1) throws -> Result {
        let labelled = episodes.filter { $0.steps.count == 1 && $0.steps[0].label != nil }
        guard labelled.count >= folds, folds >= 2 else {
            throw TrainingError.invalidData("\(labelled.count) labelled actions cannot make \(folds) folds")
        }
        let actions = labelled.map { readable($0.steps[0].action) }
        let prompts = labelled.map { EpisodeTexts.instruction($0.task) }
        let manipulated = labelled.indices.map { index -> String in
            if case .string(let text)? = labelled[index].metadata?["manipulated_prompt"] { return text }
            return prompts[index]
        }
        let actionVectors = try embedder.embed(actions)
        let promptVectors = zip(try embedder.embed(prompts), actionVectors).map { $0 + $1 }
        let manipulatedVectors = zip(try embedder.embed(manipulated), actionVectors).map { $0 + $1 }
        let targets = labelled.map { $0.steps[0].label == .safe ? 0 : 1 }
        let assignment = stratifiedFolds(targets, folds: folds, seed: seed)

        var actionOnly: [Double] = [], prompt: [Double] = [], manipulatedAccuracy: [Double] = []
        for fold in 0..<folds {
            let trainRows = labelled.indices.filter { assignment[$0] != fold }
            let testRows = labelled.indices.filter { assignment[$0] == fold }
            func accuracy(train: [[Float]], tests: [[[Float]]]) -> [Double] {
                let models = (0..<max(ensemble, 1)).map { member in
                    ActionClassifier.train(inputs: trainRows.map { train[$0] }, targets: trainRows.map { targets[$0] },
                                           classes: 2, config: config, seed: seed &+ UInt64(fold) &+ UInt64(member) &* 1000)
                }
                return tests.map { test in
                    let inputs = testRows.map { test[$0] }
                    let summed = models.map { $0.probabilities(inputs) }.reduce(into: [[Float]](repeating: [0, 0], count: inputs.count)) { total, next in
                        for row in total.indices { total[row] = zip(total[row], next[row]).map(+) }
                    }
                    let predictions = summed.map { $0[1] > $0[0] ? 1 : 0 }
                    return Double(zip(testRows, predictions).filter { targets[$0.0] == $0.1 }.count) / Double(testRows.count)
                }
            }
            actionOnly += accuracy(train: actionVectors, tests: [actionVectors])
            let withContext = accuracy(train: promptVectors, tests: [promptVectors, manipulatedVectors])
            prompt.append(withContext[0])
            manipulatedAccuracy.append(withContext[1])
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        return Result(rows: labelled.count, folds: folds, ensemble: max(ensemble, 1), actionOnlyAccuracy: mean(actionOnly), promptAccuracy: mean(prompt),
                      manipulatedPromptAccuracy: mean(manipulatedAccuracy), promptFoldAccuracies: prompt)
    }

    /// A call as words rather than JSON, which the sentence encoder was trained on:
    /// `weather_tool {"location":"NYC"}` → `weather tool: location NYC`.
    static func readable(_ action: Action) -> String {
        func words(_ value: JSONValue) -> String {
            switch value {
            case .null: return ""
            case .bool(let flag): return flag ? "yes" : "no"
            case .number: return value.canonicalText
            case .string(let text): return text
            case .array(let items): return items.map(words).joined(separator: ", ")
            case .object(let fields):
                return fields.keys.sorted().map { "\($0.replacingOccurrences(of: "_", with: " ")) \(words(fields[$0]!))" }.joined(separator: "; ")
            }
        }
        return action.tool.replacingOccurrences(of: "_", with: " ") + ": " + words(action.arguments)
    }

    /// A fold per row such that each class is spread evenly over the folds (seeded shuffle
    /// within each class, then dealt round-robin).
    static func stratifiedFolds(_ targets: [Int], folds: Int, seed: UInt64) -> [Int] {
        var generator = RandomGenerator(seed: seed)
        var assignment = [Int](repeating: 0, count: targets.count)
        var next = 0
        for target in Set(targets).sorted() {
            var rows = targets.indices.filter { targets[$0] == target }
            generator.shuffle(&rows)
            for row in rows {
                assignment[row] = next % folds
                next += 1
            }
        }
        return assignment
    }
}
