import Foundation
import HDF5Store
import NeuralNet

/// A network made of named parameters (unique names) and dropout layers: what checkpoints and
/// policy bundles store, and what training loops update.
public protocol NetworkModule: AnyObject {
    var parameters: [Parameter] { get }
    /// The dropout layers, whose random streams belong to a training checkpoint.
    var dropouts: [Dropout] { get }
}

/// Weights that do not fit the network they are loaded into; names the file.
public struct WeightsError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let problem: String

    public var description: String { "\(file): \(problem)" }
}

extension NetworkModule {
    public func snapshot() -> [String: Matrix] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) })
    }

    public func restore(_ values: [String: Matrix]) {
        for parameter in parameters {
            if let value = values[parameter.name] { parameter.value = value }
        }
    }

    public func tensors(prefix: String = "") -> [String: Checkpoint.Tensor] {
        Dictionary(uniqueKeysWithValues: parameters.map {
            (prefix + $0.name, Checkpoint.Tensor(shape: [$0.value.rows, $0.value.cols], values: $0.value.storage))
        })
    }

    /// Loads weights saved by `tensors(prefix:)`, checking that every one is there with its shape.
    public func load(_ tensors: [String: Checkpoint.Tensor], prefix: String = "", file: String) throws {
        for parameter in parameters {
            guard let tensor = tensors[prefix + parameter.name] else {
                throw WeightsError(file: file, problem: "no tensor \(prefix + parameter.name)")
            }
            guard tensor.shape == [parameter.value.rows, parameter.value.cols] else {
                throw WeightsError(file: file, problem: "\(prefix + parameter.name) has shape \(tensor.shape), the model needs [\(parameter.value.rows), \(parameter.value.cols)]")
            }
            parameter.value = Matrix(rows: parameter.value.rows, cols: parameter.value.cols, storage: tensor.values)
        }
    }

    public var dropoutState: [UInt64] { dropouts.flatMap(\.generator.state) }

    public func restoreDropoutState(_ words: [UInt64], file: String) throws {
        guard words.count == dropouts.count * 4 else {
            throw WeightsError(file: file, problem: "\(words.count) random-state words, the model needs \(dropouts.count * 4)")
        }
        for (index, dropout) in dropouts.enumerated() {
            dropout.generator = try RandomGenerator(state: Array(words[index * 4..<(index + 1) * 4]))
        }
    }
}

extension Sequential {
    public var dropouts: [Dropout] { layers.compactMap { $0 as? Dropout } }
}

/// A bare `Sequential` as a module (the action classifier).
public final class SequentialModule: NetworkModule {
    public let network: Sequential

    public init(_ network: Sequential) {
        self.network = network
    }

    public var parameters: [Parameter] { network.parameters }
    public var dropouts: [Dropout] { network.dropouts }
}
