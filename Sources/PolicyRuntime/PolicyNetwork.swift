import NeuralNet

/// The policy network of stages 2 and 3. The withhold head sees, for each (state, tool) pair,
/// the state summary (the trunk's output) beside the tool's embedding and gives one logit:
/// withhold or not.
public final class PolicyNetwork: NetworkModule {
    public let trunk: Sequential
    public let verdictHead: Linear
    /// The withhold head's first layer, over [state summary | tool embedding] pairs.
    public let toolInput: PairLinear
    /// The rest of the withhold head: GELU, then one logit.
    public let toolOutput: Sequential
    /// The tool embeddings of the last forward, one row per pair.
    private var toolEmbeddings = Matrix(rows: 0, cols: 0)

    public init(inputs: Int, toolDimension: Int, hidden: Int, toolHidden: Int, dropout: Double, name: String,
                generator: inout RandomGenerator) {
        trunk = Sequential.trunk(name: name, inputs: inputs, hidden: hidden, dropout: dropout, generator: &generator)
        verdictHead = Linear(name: "\(name)/verdict_head", inputs: hidden, outputs: 3, generator: &generator)
        toolInput = PairLinear(name: "\(name)/tool1", rowInputs: hidden, pairInputs: toolDimension, outputs: toolHidden,
                               generator: &generator)
        toolOutput = Sequential([
            GELU(),
            Linear(name: "\(name)/tool2", inputs: toolHidden, outputs: 1, generator: &generator),
        ])
    }

    public var parameters: [Parameter] { trunk.parameters + verdictHead.parameters + toolInput.parameters + toolOutput.parameters }
    public var dropouts: [Dropout] { trunk.dropouts }

    /// Verdict logits per row, and a withhold logit per (row, tool embedding) pair.
    public func forward(_ inputs: Matrix, toolPairs: [(row: Int, embedding: [Float])], toolDimension: Int, training: Bool)
        -> (verdicts: Matrix, withhold: Matrix?) {
        let summary = trunk.forward(inputs, training: training)
        let verdicts = verdictHead.forward(summary, training: training)
        guard !toolPairs.isEmpty else { return (verdicts, nil) }
        toolEmbeddings.resize(rows: toolPairs.count, cols: toolDimension)
        toolEmbeddings.storage.withUnsafeMutableBufferPointer { target in
            for (pair, tool) in toolPairs.enumerated() {
                precondition(tool.embedding.count == toolDimension, "tool embedding of \(tool.embedding.count) values, expected \(toolDimension)")
                _ = UnsafeMutableBufferPointer(rebasing: target[pair * toolDimension..<(pair + 1) * toolDimension])
                    .initialize(from: tool.embedding)
            }
        }
        let pairs = toolInput.forward(rows: summary, pairs: toolEmbeddings, pairRows: toolPairs.map(\.row), training: training)
        return (verdicts, toolOutput.forward(pairs, training: training))
    }

    /// Backward after a training forward; the withhold gradient reaches the trunk through each
    /// pair's state summary.
    public func backward(verdicts: Matrix, withhold: Matrix?) {
        var gradient = verdictHead.backward(verdicts)
        if let withhold {
            gradient.add(toolInput.backward(toolOutput.backwardToInput(withhold)))
        }
        trunk.backward(gradient)
    }
}
