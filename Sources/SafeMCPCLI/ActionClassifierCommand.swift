import ArgumentParser
import Foundation
import Importers
import TextEncoder
import Training

struct ActionClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action-classifier",
        abstract: "Stratified k-fold accuracy of the action-classifier baseline on HarmActions (safe vs harmful/unethical).",
        discussion: """
        The baseline of Agent Action Guard: MiniLM embedding → MLP 384→128→64→2 (LayerNorm, GELU, \
        Dropout), class-weighted cross-entropy, Adam. Reports the mean held-out accuracy for the \
        action alone, for "prompt + action", and for the same models scored with the obfuscated \
        manipulated_prompt in place of the prompt.
        Example: safemcp action-classifier ../shared/data/harmactions/harmactions_dataset.json
        """
    )

    @Argument(help: "The HarmActions file (harmactions_dataset.json).")
    var data: String

    @Option(name: .long, help: "Number of folds.")
    var folds = 5

    @Option(name: .long, help: "Seed of the folds, weights, data order and dropout.")
    var seed = 7

    @Option(name: .long, help: "Optimiser steps per fold.")
    var steps = ActionClassifier.Config().steps

    @Option(name: .long, help: "Models per fold whose probabilities are averaged (1: the single MLP of the paper).")
    var ensemble = 1

    @OptionGroup var encoding: EncoderOptions

    @Flag(name: .long, help: "Print one JSON object on stdout instead of the table.")
    var json = false

    func run() throws {
        let imported = Importer.run(.harmactions, inputs: [URL(fileURLWithPath: data)])
        for issue in imported.summary.issues { FileHandle.standardError.write(Data("action-classifier: dropped \(issue)\n".utf8)) }
        var config = ActionClassifier.Config()
        config.steps = steps
        let embedder = try encoding.makeCachedEncoder(defaultCache: true)
        let result = try ActionClassifierCrossValidation.run(imported.episodes, embedder: embedder,
                                                             folds: folds, config: config, seed: UInt64(seed), ensemble: ensemble)
        try embedder.save()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print("\(result.rows) actions, \(result.folds)-fold stratified, \(result.ensemble) model(s) per fold, mean held-out accuracy")
        print(String(format: "  action alone               %.4f", result.actionOnlyAccuracy))
        print(String(format: "  prompt + action            %.4f", result.promptAccuracy))
        print(String(format: "  manipulated_prompt + action %.4f", result.manipulatedPromptAccuracy))
    }
}
