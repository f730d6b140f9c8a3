import Foundation
import HDF5Store
import NeuralNet

/// A network a stage trains and checkpoints: its parameters (unique names) and the dropout
/// layers whose random streams belong to the checkpoint.
protocol TrainableNetwork: AnyObject {
    var parameters: [Parameter] { get }
    var dropouts: [Dropout] { get }
}

extension TrainableNetwork {
    func snapshot() -> [String: Matrix] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) })
    }

    func restore(_ values: [String: Matrix]) {
        for parameter in parameters {
            if let value = values[parameter.name] { parameter.value = value }
        }
    }

    func tensors(prefix: String = "") -> [String: Checkpoint.Tensor] {
        Dictionary(uniqueKeysWithValues: parameters.map {
            (prefix + $0.name, Checkpoint.Tensor(shape: [$0.value.rows, $0.value.cols], values: $0.value.storage))
        })
    }

    /// Loads weights saved by `tensors(prefix:)`, checking that every one is there with its shape.
    func load(_ tensors: [String: Checkpoint.Tensor], prefix: String = "", file: String) throws {
        for parameter in parameters {
            guard let tensor = tensors[prefix + parameter.name] else {
                throw TrainingError.invalidData("\(file): no tensor \(prefix + parameter.name)")
            }
            guard tensor.shape == [parameter.value.rows, parameter.value.cols] else {
                throw TrainingError.invalidData("\(file): \(prefix + parameter.name) has shape \(tensor.shape), the model needs [\(parameter.value.rows), \(parameter.value.cols)]")
            }
            parameter.value = Matrix(rows: parameter.value.rows, cols: parameter.value.cols, storage: tensor.values)
        }
    }

    var dropoutState: [UInt64] { dropouts.flatMap(\.generator.state) }

    func restoreDropoutState(_ words: [UInt64], file: String) throws {
        guard words.count == dropouts.count * 4 else {
            throw TrainingError.invalidData("\(file): \(words.count) random-state words, the model needs \(dropouts.count * 4)")
        }
        for (index, dropout) in dropouts.enumerated() {
            dropout.generator = try RandomGenerator(state: Array(words[index * 4..<(index + 1) * 4]))
        }
    }
}

extension Sequential {
    var dropouts: [Dropout] { layers.compactMap { $0 as? Dropout } }
}

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
