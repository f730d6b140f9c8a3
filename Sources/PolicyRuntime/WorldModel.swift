import Foundation
import NeuralNet

/// The stage-1 network: (state, pending action) → next-observation embedding, next-state class
/// and unsafe-follows logit. A trunk (Linear → LayerNorm → GELU → Dropout → Linear → LayerNorm →
/// GELU) and three linear heads.
public final class WorldModel: NetworkModule {
    public let trunk: Sequential
    public let nextHead: Linear
    public let classHead: Linear
    public let unsafeHead: Linear
    public let dimension: Int

    /// The world model's output as the policy's extra input: the predicted next embedding
    /// (L2-normalised), the three class probabilities and the unsafe-follows probability.
    public static func predictionWidth(dimension: Int) -> Int { dimension + 4 }

    /// What of the prediction the policy reads.
    public enum PolicyInput: String, Codable, CaseIterable, Sendable {
        /// All of it: the predicted next embedding and the four risk probabilities.
        case prediction
        /// The four risk probabilities alone (next-state class, unsafe follows): far fewer
        /// inputs for the policy to fit to the training tasks.
        case risk

        public func width(dimension: Int) -> Int { self == .prediction ? WorldModel.predictionWidth(dimension: dimension) : 4 }
    }

    /// The part of `predict`'s output the policy reads (`Policy.inputs(states:)`).
    public func policyInput(prediction: Matrix, _ input: PolicyInput) -> Matrix {
        guard input == .risk else { return prediction }
        var risk = Matrix(rows: prediction.rows, cols: 4)
        for row in 0..<prediction.rows {
            for j in 0..<4 { risk.storage[row * 4 + j] = prediction.storage[row * prediction.cols + dimension + j] }
        }
        return risk
    }

    public init(inputs: Int, dimension: Int, hidden: Int, dropout: Double, generator: inout RandomGenerator) {
        self.dimension = dimension
        trunk = Sequential.trunk(name: "world_model", inputs: inputs, hidden: hidden, dropout: dropout, generator: &generator)
        nextHead = Linear(name: "world_model/next_head", inputs: hidden, outputs: dimension, generator: &generator)
        classHead = Linear(name: "world_model/class_head", inputs: hidden, outputs: 3, generator: &generator)
        unsafeHead = Linear(name: "world_model/unsafe_head", inputs: hidden, outputs: 1, generator: &generator)
    }

    public var parameters: [Parameter] { trunk.parameters + nextHead.parameters + classHead.parameters + unsafeHead.parameters }
    public var dropouts: [Dropout] { trunk.dropouts }

    public func forward(_ states: Matrix, training: Bool) -> (next: Matrix, classes: Matrix, unsafe: Matrix) {
        let hidden = trunk.forward(states, training: training)
        return (nextHead.forward(hidden, training: training), classHead.forward(hidden, training: training),
                unsafeHead.forward(hidden, training: training))
    }

    public func backward(next: Matrix, classes: Matrix, unsafe: Matrix) {
        var gradient = nextHead.backward(next)
        gradient += classHead.backward(classes)
        gradient += unsafeHead.backward(unsafe)
        trunk.backward(gradient)
    }

    /// `predictionWidth` values per state, for the policy.
    public func predict(_ states: Matrix) -> Matrix {
        let output = forward(states, training: false)
        let classes = Probabilities.softmax(rows: output.classes)
        var result = Matrix(rows: states.rows, cols: Self.predictionWidth(dimension: dimension))
        for row in 0..<states.rows {
            let next = output.next.row(row)
            let norm = max(next.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-8)
            let base = row * result.cols
            for (j, value) in next.enumerated() { result.storage[base + j] = value / norm }
            for (j, probability) in classes.row(row).enumerated() { result.storage[base + dimension + j] = probability }
            result.storage[base + dimension + 3] = 1 / (1 + Foundation.exp(-output.unsafe.storage[row]))
        }
        return result
    }
}
