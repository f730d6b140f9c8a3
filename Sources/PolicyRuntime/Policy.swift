import NeuralNet

/// A policy network with the inputs it reads: the state, beside the world model's prediction
/// when the policy reads one. Training (stages 2 and 3, the export) and `PolicyRuntime.decide`
/// both build the network's input and run its forward here, so the runtime feeds a network
/// exactly what it was trained on.
public struct Policy {
    public let network: PolicyNetwork
    public let worldModel: WorldModel?
    public let stateWidth: Int
    public let toolDimension: Int
    /// What of the world model's prediction the network reads.
    public var worldModelInput: WorldModel.PolicyInput

    public init(network: PolicyNetwork, worldModel: WorldModel?, stateWidth: Int, toolDimension: Int,
                worldModelInput: WorldModel.PolicyInput = .prediction) {
        self.network = network
        self.worldModel = worldModel
        self.stateWidth = stateWidth
        self.toolDimension = toolDimension
        self.worldModelInput = worldModelInput
    }

    /// The network's input for each state (the state, beside the part of the world model's
    /// prediction the network reads), and the whole prediction, nil without a world model: the
    /// runtime reports its risk probabilities as the look-ahead.
    public func inputs(states: Matrix) -> (inputs: Matrix, prediction: Matrix?) {
        guard let worldModel else { return (states, nil) }
        let prediction = worldModel.predict(states)
        return (states.concatenatingColumns(worldModel.policyInput(prediction: prediction, worldModelInput)), prediction)
    }

    /// The inference forward: verdict logits per row, and a withhold logit for each row's tools
    /// (`tools[row]`, their vectors), row after row; the withhold logits are nil when no row
    /// offers a tool.
    public func forward(_ inputs: Matrix, tools: [[[Float]]]) -> (verdicts: Matrix, withhold: Matrix?) {
        let pairs = tools.enumerated().flatMap { row, embeddings in embeddings.map { (row: row, embedding: $0) } }
        return network.forward(inputs, toolPairs: pairs, toolDimension: toolDimension, training: false)
    }
}
