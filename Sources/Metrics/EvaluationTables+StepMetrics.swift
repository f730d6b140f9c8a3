import RunLog

extension EvaluationTables {
    public static let stepColumns = ["macro_f1", "accuracy", "unsafe_recall", "withheld_f1", "withheld_precision",
                                     "withheld_recall", "withheld_exact_match"]

    /// A row of step metrics; the withheld-set columns are null for a defense without tier 1.
    public static func row(_ name: String, verdict: StepMetrics, withheld: StepMetrics?) -> Row {
        Row(name: name, values: [
            "macro_f1": verdict.macroF1, "accuracy": verdict.verdictAccuracy, "unsafe_recall": verdict.unsafeRecall,
            "withheld_f1": withheld?.withheldF1, "withheld_precision": withheld?.withheldPrecision,
            "withheld_recall": withheld?.withheldRecall, "withheld_exact_match": withheld?.withheldExactMatch,
        ])
    }
}
