import NeuralNet

/// The order a stage visits its examples in: epoch e is a permutation seeded by (seed, stage, e),
/// and step s takes positions s·batch ..< (s+1)·batch of the endless sequence of epochs. The
/// order is a function of the step alone, so resuming needs no saved data-order state beyond it.
///
/// With source weights (`data.train[].weight`), the batch's slots are dealt to the sources
/// instead, source k getting a share wₖ / Σw of them, and each source draws from its own endless
/// sequence of epochs: a source of 20 cases is then seen as often as one of 2,000 rows of the
/// same weight, and the largest source cannot drown the others. Slot p goes to the source whose
/// share of [0, 1) holds frac((p + ½)·φ⁻¹) (a low-discrepancy sequence: every batch is close to
/// the shares); which slots a source took before step s is counted again from slot 0 after a
/// resume, so the order stays a function of the step.
struct ExampleOrder {
    /// One source's examples and its endless sequence of permutations of them.
    private struct Stream {
        let members: [Int]
        let seed: UInt64
        var epoch = -1
        var permutation: [Int] = []

        mutating func example(at position: Int) -> Int {
            let positionEpoch = position / members.count
            if positionEpoch != epoch {
                epoch = positionEpoch
                var generator = RandomGenerator(seed: seed &+ UInt64(positionEpoch) &* 0x9E37_79B9_7F4A_7C15)
                permutation = Array(members.indices)
                generator.shuffle(&permutation)
            }
            return members[permutation[position % members.count]]
        }
    }

    let batchSize: Int
    private var streams: [Stream]
    /// The upper end of each source's share of [0, 1).
    private let shareEnds: [Double]
    /// The next slot to deal, and how many slots each source got before it.
    private var slot = 0
    private var taken: [Int]

    init(count: Int, batchSize: Int, seed: UInt64) {
        precondition(count > 0 && batchSize > 0)
        self.batchSize = batchSize
        streams = [Stream(members: Array(0..<count), seed: seed)]
        shareEnds = [1]
        taken = [0]
    }

    /// `sources[i]` is example i's source and `weights[k]` source k's weight; nil weights, or
    /// examples of one source alone, give the plain order of `init(count:batchSize:seed:)`.
    init(sources: [Int], weights: [Double]?, batchSize: Int, seed: UInt64) {
        let present = Set(sources).sorted()
        guard let weights, present.count > 1 else {
            self = ExampleOrder(count: sources.count, batchSize: batchSize, seed: seed)
            return
        }
        precondition(batchSize > 0 && present.allSatisfy { weights.indices.contains($0) && weights[$0] > 0 })
        self.batchSize = batchSize
        var members = [Int: [Int]]()
        for (index, source) in sources.enumerated() { members[source, default: []].append(index) }
        streams = present.map { Stream(members: members[$0]!, seed: seed &+ UInt64($0 + 1) &* 0xD1B5_4A32_D192_ED03) }
        let total = present.map { weights[$0] }.reduce(0, +)
        var end = 0.0
        shareEnds = present.map { source in
            end += weights[source] / total
            return end
        }
        taken = [Int](repeating: 0, count: present.count)
    }

    private func stream(ofSlot slot: Int) -> Int {
        let point = (Double(slot) + 0.5) * 0.618_033_988_749_894_8
        let fraction = point - point.rounded(.down)
        return shareEnds.firstIndex { fraction < $0 } ?? shareEnds.count - 1
    }

    mutating func batch(atStep step: Int) -> [Int] {
        let start = step * batchSize
        guard streams.count > 1 else { return (start..<start + batchSize).map { streams[0].example(at: $0) } }
        if start < slot {
            slot = 0
            taken = [Int](repeating: 0, count: streams.count)
        }
        while slot < start {
            taken[stream(ofSlot: slot)] += 1
            slot += 1
        }
        var batch: [Int] = []
        batch.reserveCapacity(batchSize)
        while slot < start + batchSize {
            let source = stream(ofSlot: slot)
            batch.append(streams[source].example(at: taken[source]))
            taken[source] += 1
            slot += 1
        }
        return batch
    }
}
