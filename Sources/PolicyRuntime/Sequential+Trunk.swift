import NeuralNet

extension Sequential {
    /// The trunk the world model and the policy share in shape: Linear → LayerNorm → GELU →
    /// Dropout → Linear → LayerNorm → GELU, parameters named `<name>/trunk1`, `<name>/norm1`,
    /// `<name>/trunk2`, `<name>/norm2`.
    public static func trunk(name: String, inputs: Int, hidden: Int, dropout: Double, generator: inout RandomGenerator) -> Sequential {
        Sequential([
            Linear(name: "\(name)/trunk1", inputs: inputs, outputs: hidden, generator: &generator),
            LayerNorm(name: "\(name)/norm1", width: hidden),
            GELU(),
            Dropout(probability: Float(dropout), generator: RandomGenerator(seed: generator.next())),
            Linear(name: "\(name)/trunk2", inputs: hidden, outputs: hidden, generator: &generator),
            LayerNorm(name: "\(name)/norm2", width: hidden),
            GELU(),
        ])
    }
}
