/// What a checkpoint needs from a network: its parameters by name, and the streams of its
/// dropout layers, so that a resumed run draws the same masks.
extension Sequential {
    public enum CheckpointError: Error, CustomStringConvertible, Equatable {
        case missingTensor(String)
        case unknownTensor(String)
        case wrongShape(name: String, expected: [Int], found: [Int])
        case wrongRandomStateCount(expected: Int, found: Int)
        case invalidRandomState(index: Int, reason: String)

        public var description: String {
            switch self {
            case .missingTensor(let name): return "checkpoint has no tensor \"\(name)\""
            case .unknownTensor(let name): return "checkpoint tensor \"\(name)\" is not a parameter of this network"
            case .wrongShape(let name, let expected, let found):
                return "checkpoint tensor \"\(name)\" has shape \(found), the network expects \(expected)"
            case .wrongRandomStateCount(let expected, let found):
                return "checkpoint has \(found) dropout random states, the network has \(expected) dropout layers"
            case .invalidRandomState(let index, let reason): return "dropout random state \(index): \(reason)"
            }
        }
    }

    /// Every parameter's value under its name.
    public var namedTensors: [String: Matrix] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) })
    }

    /// Sets every parameter from `tensors`. Names must match exactly, both ways, and shapes must
    /// agree; on any error nothing is changed.
    public func load(namedTensors tensors: [String: Matrix]) throws {
        let parameters = self.parameters
        let names = Set(parameters.map(\.name))
        if let unknown = tensors.keys.sorted().first(where: { !names.contains($0) }) {
            throw CheckpointError.unknownTensor(unknown)
        }
        for parameter in parameters {
            guard let tensor = tensors[parameter.name] else { throw CheckpointError.missingTensor(parameter.name) }
            guard tensor.rows == parameter.value.rows, tensor.cols == parameter.value.cols else {
                throw CheckpointError.wrongShape(name: parameter.name, expected: [parameter.value.rows, parameter.value.cols],
                                                 found: [tensor.rows, tensor.cols])
            }
        }
        for parameter in parameters {
            parameter.value = tensors[parameter.name]!
        }
    }

    /// The state of each dropout layer's generator, in layer order.
    public var randomStates: [[UInt64]] {
        layers.compactMap { ($0 as? Dropout)?.generator.state }
    }

    /// Restores states from `randomStates`; on any error nothing is changed.
    public func restore(randomStates states: [[UInt64]]) throws {
        let dropouts = layers.compactMap { $0 as? Dropout }
        guard states.count == dropouts.count else {
            throw CheckpointError.wrongRandomStateCount(expected: dropouts.count, found: states.count)
        }
        let generators = try states.enumerated().map { index, state in
            do {
                return try RandomGenerator(state: state)
            } catch {
                throw CheckpointError.invalidRandomState(index: index, reason: "\(error)")
            }
        }
        for (dropout, generator) in zip(dropouts, generators) {
            dropout.generator = generator
        }
    }
}
