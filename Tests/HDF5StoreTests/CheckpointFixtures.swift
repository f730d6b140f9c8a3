import Foundation
import HDF5Store

enum CheckpointFixtures {
    /// A checkpoint touching every field, with modules nested two levels deep.
    static func sample(step: Int64 = 100) -> Checkpoint {
        Checkpoint(
            tensors: [
                "policy/verdict_head/weight": .init(shape: [2, 3], values: [0.5, -1.25, 3, 1e-7, -0, 42]),
                "policy/verdict_head/bias": .init(shape: [3], values: [0.1, 0.2, Float(step)]),
                "world_model/encoder/layer0/weight": .init(shape: [2, 2, 2], values: (0..<8).map { Float($0) * -0.5 }),
                "temperature": .init(shape: [], values: [0.7]),
            ],
            optimizerTensors: [
                "m/policy/verdict_head/weight": .init(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
                "v/policy/verdict_head/weight": .init(shape: [2, 3], values: [0, 0, 0, 0, 0, .leastNonzeroMagnitude]),
            ],
            optimizerScalars: ["step": Double(step), "beta1_power": pow(0.9, Double(step))],
            rngState: [UInt64.max, 12345, 0, 1 << 63],
            trainingState: ["step": step, "epoch": 2, "data_position": 37],
            configJSON: #"{"learning_rate":0.0003,"name":"stage-2 ✓"}"#)
    }

    /// 256 floats whose bytes spell a sequence that appears nowhere else in the file, so a test
    /// can find the tensor's data region and damage it.
    static let recognisablePattern: [Float] = (0..<256).map { Float(bitPattern: 0x4A5B_0000 | UInt32($0) << 4 | 0x5) }

    static func withRecognisableTensor(step: Int64 = 100) -> Checkpoint {
        var checkpoint = sample(step: step)
        checkpoint.tensors["policy/pattern"] = .init(shape: [16, 16], values: recognisablePattern)
        return checkpoint
    }
}
