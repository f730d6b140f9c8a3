/// What a tag's name says about it: its namespace (the stage that logged it), which way is
/// better, and the unit on its axis. Tags follow docs/runs.md: `stage1/loss`, `rl/reward_safety`.
///
/// Which way is better, decided by the last part of the name:
/// - lower: names containing `loss`, `error`, `perplexity`, `over_blocking` or `harm`, and `kl`;
/// - neither (no "best"): the `lr` namespace and `lambda`, `entropy`, `grad_norm`, `temperature`,
///   which are settings or diagnostics, not goals;
/// - higher: everything else — rewards and metrics (`reward_*`, `val_cosine`, `val_macro_f1`,
///   `accuracy`, `libra`, ...).
public struct TagDescription: Equatable, Sendable {
    public enum Direction: String, Codable, Sendable {
        case lowerIsBetter = "min"
        case higherIsBetter = "max"
        case neither = "none"
    }

    public let tag: String
    /// `stage1`, `rl`, ...; tags without a slash fall in the namespace `other`.
    public let namespace: String
    /// The tag without its namespace.
    public let name: String

    public init(_ tag: String) {
        self.tag = tag
        if let slash = tag.firstIndex(of: "/") {
            namespace = String(tag[..<slash])
            name = String(tag[tag.index(after: slash)...])
        } else {
            namespace = "other"
            name = tag
        }
    }

    public var direction: Direction {
        let leaf = name.split(separator: "/").last.map(String.init) ?? name
        if namespace == "lr" || ["lambda", "entropy", "grad_norm", "temperature"].contains(leaf) { return .neither }
        if leaf == "kl" || ["loss", "error", "perplexity", "over_blocking", "harm"].contains(where: leaf.contains) {
            return .lowerIsBetter
        }
        return .higherIsBetter
    }

    /// The y-axis label: what the number is, and its unit where it has one.
    public var unit: String {
        let leaf = name.split(separator: "/").last.map(String.init) ?? name
        if namespace == "lr" { return "learning rate" }
        if leaf.hasPrefix("reward") { return "mean reward (0–1)" }
        if leaf.contains("loss") { return "loss" }
        if leaf == "kl" { return "KL divergence (nats)" }
        if leaf == "lambda" { return "Lagrange multiplier λ" }
        if leaf.contains("cosine") { return "cosine similarity" }
        if leaf.contains("f1") { return leaf.contains("macro") ? "macro-F1 (0–1)" : "F1 (0–1)" }
        if leaf.contains("accuracy") { return "accuracy (0–1)" }
        if leaf.contains("libra") { return "Libra score (0–1)" }
        if ["safety", "utility", "over_blocking", "refusal"].contains(where: leaf.contains) { return "rate (0–1)" }
        return leaf
    }

    /// Namespaces in the order a run produces them; unknown namespaces follow, alphabetically.
    static let namespaceOrder = ["stage1", "stage2", "stage3", "rl", "eval"]
    /// Within a namespace, the headline curves first, then the rest alphabetically.
    static let nameOrder = ["loss", "reward_safety", "reward_utility", "reward_tools", "reward_combined"]

    public static func readingOrder(_ left: String, _ right: String) -> Bool {
        let a = TagDescription(left), b = TagDescription(right)
        if a.namespace != b.namespace { return namespaceLess(a.namespace, b.namespace) }
        let rankA = nameOrder.firstIndex(of: a.name) ?? nameOrder.count
        let rankB = nameOrder.firstIndex(of: b.name) ?? nameOrder.count
        return (rankA, a.name) < (rankB, b.name)
    }

    public static func namespaceLess(_ a: String, _ b: String) -> Bool {
        let rankA = namespaceOrder.firstIndex(of: a) ?? namespaceOrder.count
        let rankB = namespaceOrder.firstIndex(of: b) ?? namespaceOrder.count
        return (rankA, a) < (rankB, b)
    }
}
