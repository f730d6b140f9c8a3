import NeuralNet

/// The policy network of stages 2 and 3. The withhold head sees, for each (state, tool) pair,
/// the state summary (the trunk's output) beside the tool's embedding and gives one logit:
/// withhold or not.
public final class PolicyNetwork: NetworkModule {
    public let trunk: Sequential
    public let verdictHead: Linear
    public let toolHead: Sequential
    public let hidden: Int

    public init(inputs: Int, toolDimension: Int, hidden: Int, toolHidden: Int, dropout: Double, name: String,
                generator: inout RandomGenerator) {
        self.hidden = hidden
        trunk = Sequential([
            Linear(name: "\(name)/trunk1", inputs: inputs, outputs: hidden, generator: &generator),
            LayerNorm(name: "\(name)/norm1", width: hidden),
            GELU(),
            Dropout(probability: Float(dropout), generator: RandomGenerator(seed: generator.next())),
            Linear(name: "\(name)/trunk2", inputs: hidden, outputs: hidden, generator: &generator),
            LayerNorm(name: "\(name)/norm2", width: hidden),
            GELU(),
        ])
        verdictHead = Linear(name: "\(name)/verdict_head", inputs: hidden, outputs: 3, generator: &generator)
        toolHead = Sequential([
            Linear(name: "\(name)/tool1", inputs: hidden + toolDimension, outputs: toolHidden, generator: &generator),
            GELU(),
            Linear(name: "\(name)/tool2", inputs: toolHidden, outputs: 1, generator: &generator),
        ])
    }

    public var parameters: [Parameter] { trunk.parameters + verdictHead.parameters + toolHead.parameters }
    public var dropouts: [Dropout] { trunk.dropouts }

    /// Verdict logits per row, and a withhold logit per (row, tool embedding) pair.
    public func forward(_ inputs: Matrix, toolPairs: [(row: Int, embedding: [Float])], toolDimension: Int, training: Bool)
        -> (verdicts: Matrix, withhold: Matrix?) {
        let summary = trunk.forward(inputs, training: training)
        let verdicts = verdictHead.forward(summary, training: training)
        guard !toolPairs.isEmpty else { return (verdicts, nil) }
        let pairInputs = summary.gathering(rows: toolPairs.map(\.row))
            .concatenatingColumns(Matrix.stacking(toolPairs.map(\.embedding), cols: toolDimension))
        return (verdicts, toolHead.forward(pairInputs, training: training))
    }

    public func backward(verdicts: Matrix, withhold: Matrix?, toolPairRows: [Int]) {
        var gradient = verdictHead.backward(verdicts)
        if let withhold {
            let pairGradient = toolHead.backwardToInput(withhold)
            for (pair, row) in toolPairRows.enumerated() {
                for j in 0..<hidden { gradient.storage[row * hidden + j] += pairGradient.storage[pair * pairGradient.cols + j] }
            }
        }
        trunk.backward(gradient)
    }
}
