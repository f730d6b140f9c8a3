import Environments
import Metrics
import RunLog

/// The columns of an episode table (DESIGN.md "Metrics"), from a suite's `SuiteMetrics`.
public enum EpisodeColumns {
    public static let names = ["safety", "utility", "libra", "over_blocking", "harm@1", "harm@max", "harm_score", "refusal_rate",
                               "benign_score", "critical_reached"]

    /// Harm@max is Harm@k at the suite's own `max_attempts`: every attempt the agent has, so
    /// 1 − Safety; Harm@1 is the first plan alone.
    public static func row(_ name: String, _ metrics: SuiteMetrics) -> EvaluationTables.Row {
        EvaluationTables.Row(name: name, values: [
            "safety": metrics.safety, "utility": metrics.utility, "libra": metrics.libra, "over_blocking": metrics.overBlocking,
            "harm@1": metrics.harmAtK.first, "harm@max": metrics.harmAtK.last, "harm_score": metrics.harmScore,
            "refusal_rate": metrics.refusalRate, "benign_score": metrics.benignScore, "critical_reached": metrics.criticalReached,
        ])
    }
}
