/// Everything needed to resume training bit for bit: weights, optimiser state, random number
/// generator state, loop position and the config the run was trained with.
///
/// Names may contain "/": each part before the last becomes an HDF5 group, so a file holds one
/// group per module ("policy/verdict_head/weight" is dataset `weight` in group
/// `/model/policy/verdict_head`). A name must not also be a prefix group of another name.
public struct Checkpoint: Equatable, Sendable {
    public typealias Tensor = HDF5Array<Float>

    /// The value of the root attribute `format`, which marks a file as a checkpoint.
    public static let formatName = "safemcp-checkpoint"
    /// Bumped whenever the layout or the checksum's serialisation changes; `load` refuses others.
    public static let formatVersion: Int64 = 1

    /// Model parameters by name.
    public var tensors: [String: Tensor]
    /// Optimiser tensors (moments and the like) by name.
    public var optimizerTensors: [String: Tensor]
    /// Optimiser scalars (step count, bias-correction powers, ...) by name.
    public var optimizerScalars: [String: Double]
    /// The random number generator's state words.
    public var rngState: [UInt64]
    /// Loop position: step, epoch, data-order position, ... by name.
    public var trainingState: [String: Int64]
    /// The run's config as JSON text.
    public var configJSON: String

    public init(tensors: [String: Tensor] = [:], optimizerTensors: [String: Tensor] = [:],
                optimizerScalars: [String: Double] = [:], rngState: [UInt64] = [],
                trainingState: [String: Int64] = [:], configJSON: String = "{}") {
        self.tensors = tensors
        self.optimizerTensors = optimizerTensors
        self.optimizerScalars = optimizerScalars
        self.rngState = rngState
        self.trainingState = trainingState
        self.configJSON = configJSON
    }
}
