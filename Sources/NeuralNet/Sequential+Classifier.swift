extension Sequential {
    /// An MLP classifier in the shape of Agent Action Guard's: for each hidden width a block
    /// Linear → LayerNorm → GELU → Dropout, then a Linear to the class logits. Parameters are
    /// named "linear1", "norm1", ..., "output"; each Dropout gets its own stream seeded from
    /// `generator`.
    public static func classifier(inputs: Int, hidden: [Int], classes: Int, dropout: Float = 0.1,
                                  generator: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = []
        var width = inputs
        for (index, hiddenWidth) in hidden.enumerated() {
            layers.append(Linear(name: "linear\(index + 1)", inputs: width, outputs: hiddenWidth, generator: &generator))
            layers.append(LayerNorm(name: "norm\(index + 1)", width: hiddenWidth))
            layers.append(GELU())
            layers.append(Dropout(probability: dropout, generator: RandomGenerator(seed: generator.next())))
            width = hiddenWidth
        }
        layers.append(Linear(name: "output", inputs: width, outputs: classes, generator: &generator))
        return Sequential(layers)
    }
}
