import NeuralNet

/// The order a stage visits its examples in: epoch e is a permutation seeded by (seed, stage, e),
/// and step s takes positions s·batch ..< (s+1)·batch of the endless sequence of epochs. The
/// order is a function of the step alone, so resuming needs no saved data-order state beyond it.
struct ExampleOrder {
    let count: Int
    let batchSize: Int
    let seed: UInt64
    private var epoch = -1
    private var permutation: [Int] = []

    init(count: Int, batchSize: Int, seed: UInt64) {
        precondition(count > 0 && batchSize > 0)
        self.count = count
        self.batchSize = batchSize
        self.seed = seed
    }

    mutating func batch(atStep step: Int) -> [Int] {
        (step * batchSize..<(step + 1) * batchSize).map { position in
            let positionEpoch = position / count
            if positionEpoch != epoch {
                epoch = positionEpoch
                var generator = RandomGenerator(seed: seed &+ UInt64(positionEpoch) &* 0x9E37_79B9_7F4A_7C15)
                permutation = Array(0..<count)
                generator.shuffle(&permutation)
            }
            return permutation[position % count]
        }
    }
}
