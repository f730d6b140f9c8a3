import Checksums

/// Which of a suite's tasks a command uses: the tasks training may see, the tasks held out for
/// evaluation, or all of them (`envs/FORMAT.md` "Held-out tasks").
public enum SuiteSplit: String, CaseIterable, Sendable {
    case train
    case heldOut = "held-out"
    case all

    public static let defaultHeldOutFraction = 0.3
}

extension Suite {
    /// The held-out task ids: for each kind, the tasks sorted by the FNV-1a hash of their id
    /// (ties by id), and the first `fraction` of them, rounded to the nearest count. A task's
    /// side depends only on its id, its kind and how many tasks share its kind, so the split is
    /// the same in every process, whatever the file order, and each kind keeps its share.
    /// A train-only suite holds out nothing.
    public func heldOutTaskIDs(fraction: Double = SuiteSplit.defaultHeldOutFraction) -> Set<String> {
        precondition((0...1).contains(fraction), "the held-out fraction is a share of the tasks, in 0...1")
        guard !trainOnly else { return [] }
        var heldOut: Set<String> = []
        for kind in TaskKind.allCases {
            let ranked = tasks.filter { $0.kind == kind }
                .map { (hash: FNV1a.hash64(Array($0.id.utf8)), id: $0.id) }
                .sorted { ($0.hash, $0.id) < ($1.hash, $1.id) }
            let count = Int((Double(ranked.count) * fraction).rounded())
            heldOut.formUnion(ranked.prefix(count).map(\.id))
        }
        return heldOut
    }

    /// The suite with only the tasks of `split`, in their file order.
    public func restricted(to split: SuiteSplit, heldOutFraction: Double = SuiteSplit.defaultHeldOutFraction) -> Suite {
        guard split != .all else { return self }
        let heldOut = heldOutTaskIDs(fraction: heldOutFraction)
        var result = self
        result.tasks = tasks.filter { heldOut.contains($0.id) == (split == .heldOut) }
        return result
    }
}
