import AVX2Kernels
import KernelThreads

/// The all-MiniLM-L6-v2 weights, laid out for the forward pass: the query, key and value
/// projections of each layer are stacked into one matrix, head by head, so one product computes
/// all three for any consecutive run of heads; the query rows carry attention's `1/√headSize`;
/// and the token-type-0 embedding is folded into the position table (the encoder never uses
/// type 1). Matrices are in the layout `kernels` multiplies: PyTorch's `[out, in]` row-major for
/// `blas` (the forward pass multiplies by their transpose), panels of 32 output columns
/// (`PanelLayout.packed`) for `avx512`; `avx2` keeps both, the panels in `Layer.panels` for the
/// small batches its kernel is faster on, PyTorch's layout for OpenBLAS on the large ones
/// (about 40 MB more).
public struct MiniLMWeights: Sendable {
    public static let hidden = 384
    public static let heads = 12
    public static let headSize = 32
    public static let intermediate = 1536
    public static let layerCount = 6
    public static let vocabularySize = 30522
    public static let maxPositions = 512

    struct Layer: Sendable {
        /// `[3 × hidden, hidden]`: for each head in turn, its query rows, key rows, value rows.
        var qkvWeight: [Float]
        var qkvBias: [Float]
        var attentionOutputWeight: [Float]
        var attentionOutputBias: [Float]
        var attentionNormScale: [Float]
        var attentionNormShift: [Float]
        var intermediateWeight: [Float]
        var intermediateBias: [Float]
        var outputWeight: [Float]
        var outputBias: [Float]
        var outputNormScale: [Float]
        var outputNormShift: [Float]
        /// With the `avx2` kernels, the four dense weights above packed as panels; nil otherwise.
        var panels: Panels?
    }

    struct Panels: Sendable {
        var qkv: [Float]
        var attentionOutput: [Float]
        var intermediate: [Float]
        var output: [Float]
    }

    var wordEmbeddings: [Float]
    /// Position embedding plus the token-type-0 embedding, `[maxPositions, hidden]`.
    var positionEmbeddings: [Float]
    var embeddingNormScale: [Float]
    var embeddingNormShift: [Float]
    var layers: [Layer]
    public let kernels: KernelSet

    /// Reads every tensor the model needs, checking each one's dtype and shape, and lays the
    /// matrices out for `kernels`.
    public init(safetensors file: SafeTensorsFile, kernels: KernelSet) throws {
        let h = Self.hidden
        self.kernels = kernels
        func laidOut(_ weight: [Float], outputs: Int, inputs: Int) -> [Float] {
            kernels == .avx512 ? PanelLayout.packed(weight, outputs: outputs, inputs: inputs) : weight
        }
        wordEmbeddings = try file.float32("embeddings.word_embeddings.weight", shape: [Self.vocabularySize, h])
        positionEmbeddings = try file.float32("embeddings.position_embeddings.weight", shape: [Self.maxPositions, h])
        let tokenType = try file.float32("embeddings.token_type_embeddings.weight", shape: [2, h])
        for position in 0..<Self.maxPositions {
            for i in 0..<h { positionEmbeddings[position * h + i] += tokenType[i] }
        }
        embeddingNormScale = try file.float32("embeddings.LayerNorm.weight", shape: [h])
        embeddingNormShift = try file.float32("embeddings.LayerNorm.bias", shape: [h])
        layers = try (0..<Self.layerCount).map { index in
            let prefix = "encoder.layer.\(index)."
            func tensor(_ name: String, _ shape: [Int]) throws -> [Float] { try file.float32(prefix + name, shape: shape) }
            var qkvWeight = [Float](repeating: 0, count: 3 * h * h)
            var qkvBias = [Float](repeating: 0, count: 3 * h)
            let d = Self.headSize
            for (part, name) in ["query", "key", "value"].enumerated() {
                let weight = try tensor("attention.self.\(name).weight", [h, h])
                let bias = try tensor("attention.self.\(name).bias", [h])
                let factor: Float = part == 0 ? 1 / Float(d).squareRoot() : 1
                for head in 0..<Self.heads {
                    let target = head * 3 * d + part * d
                    for row in 0..<d {
                        for i in 0..<h { qkvWeight[(target + row) * h + i] = factor * weight[(head * d + row) * h + i] }
                        qkvBias[target + row] = factor * bias[head * d + row]
                    }
                }
            }
            var layer = Layer(
                qkvWeight: laidOut(qkvWeight, outputs: 3 * h, inputs: h),
                qkvBias: qkvBias,
                attentionOutputWeight: laidOut(try tensor("attention.output.dense.weight", [h, h]), outputs: h, inputs: h),
                attentionOutputBias: try tensor("attention.output.dense.bias", [h]),
                attentionNormScale: try tensor("attention.output.LayerNorm.weight", [h]),
                attentionNormShift: try tensor("attention.output.LayerNorm.bias", [h]),
                intermediateWeight: laidOut(try tensor("intermediate.dense.weight", [Self.intermediate, h]), outputs: Self.intermediate, inputs: h),
                intermediateBias: try tensor("intermediate.dense.bias", [Self.intermediate]),
                outputWeight: laidOut(try tensor("output.dense.weight", [h, Self.intermediate]), outputs: h, inputs: Self.intermediate),
                outputBias: try tensor("output.dense.bias", [h]),
                outputNormScale: try tensor("output.LayerNorm.weight", [h]),
                outputNormShift: try tensor("output.LayerNorm.bias", [h])
            )
            if kernels == .avx2 {
                layer.panels = Panels(qkv: PanelLayout.packed(layer.qkvWeight, outputs: 3 * h, inputs: h),
                                      attentionOutput: PanelLayout.packed(layer.attentionOutputWeight, outputs: h, inputs: h),
                                      intermediate: PanelLayout.packed(layer.intermediateWeight, outputs: Self.intermediate, inputs: h),
                                      output: PanelLayout.packed(layer.outputWeight, outputs: h, inputs: Self.intermediate))
            }
            return layer
        }
    }
}
