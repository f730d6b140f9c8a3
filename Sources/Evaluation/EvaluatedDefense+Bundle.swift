import EmulatorPolicy
import Foundation
import PolicyRuntime
import TextEncoder

extension EvaluatedDefense {
    /// A policy as a row. `served`: as `safemcp proxy` serves it (`ServedBundleDefense`: the
    /// network as trained, then the safety floor and the refusal of a call to a withheld tool);
    /// otherwise the network alone, as training judged it: in episodes through `LearnedDefense`, on labelled
    /// states through `PolicyRuntime.decide` in batches. The action classifier has no tier 1.
    public static func learned(_ runtime: PolicyRuntime, name: String, served: Bool) -> EvaluatedDefense {
        let withholds = runtime.variant != .actionClassifier
        if served {
            return EvaluatedDefense(name: name, withholdsTools: withholds, episodeDefense: { ServedBundleDefense(runtime: runtime, name: name) }) { states in
                let defense = ServedBundleDefense(runtime: runtime, name: name)
                return try stride(from: 0, to: states.count, by: 256).flatMap {
                    try defense.judge(Array(states[$0..<min($0 + 256, states.count)]))
                }
            }
        }
        return EvaluatedDefense(name: name, withholdsTools: withholds,
                         episodeDefense: { LearnedDefense(runtime: runtime, name: name) }) { states in
            var judgements: [StepJudgement] = []
            judgements.reserveCapacity(states.count)
            for start in stride(from: 0, to: states.count, by: 256) {
                let batch = states[start..<min(start + 256, states.count)]
                let outputs = try runtime.decide(batch.map {
                    PolicyInput(task: $0.task, history: $0.history, pending: $0.pending, tools: $0.tools)
                })
                judgements += outputs.map { StepJudgement(verdict: $0.verdict, withheld: $0.withheld) }
            }
            return judgements
        }
    }

    /// The rows of one bundle: its full policy and, with `baselines`, the other variants it holds
    /// (action classifier, stage 2 without world model, stage 2), baselines first. The variants
    /// share one encoder and one embedding cache, so each text is embedded once. `label`, when
    /// given, is appended to the row names to tell bundles apart; `served` as in `learned`.
    public static func rows(ofBundle path: String, label: String?, baselines: Bool, served: Bool, encoderDirectory: String?) throws -> [EvaluatedDefense] {
        let bundle = try PolicyBundle.read(URL(fileURLWithPath: path))
        let embedder = try EmbeddingCache(encoder: PolicyRuntime.embedder(for: bundle, file: path, encoderDirectory: encoderDirectory))
        let order: [PolicyVariant] = baselines ? [.actionClassifier, .stage2WithoutWorldModel, .stage2, .full] : [.full]
        return try order.filter { bundle.variants[$0] != nil }.map { variant in
            let runtime = try PolicyRuntime(bundle: bundle, variant: variant, embedder: embedder, file: path)
            return .learned(runtime, name: variant.title + (label.map { " [\($0)]" } ?? ""), served: served)
        }
    }
}
