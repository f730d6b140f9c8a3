import CBLAS
import Dispatch
import Foundation
import AVX2Kernels
import AVX512Kernels
import KernelThreads

/// all-MiniLM-L6-v2 (6-layer BERT, 384 wide) in Swift: WordPiece tokens, encoder,
/// mean pooling over the real tokens, L2 normalisation — the embeddings sentence-transformers
/// computes for this model.
///
/// The sequences of a batch are packed end to end instead of padded: the dense layers see one
/// `[tokens, width]` matrix with no padding rows, and attention runs per sequence and head, so
/// no padding mask is needed and no work is spent on padding. The matrix products run on the
/// kernels of `weights.kernels` (see `EncoderKernels`). Buffers are allocated once and
/// reused across calls. Encoders may be shared between threads: calls run one after another,
/// across all encoders of the process, because the BLAS path changes OpenBLAS's process-wide
/// thread count and all share `RegionThreads`.
public final class MiniLMEncoder: TextEmbedder, @unchecked Sendable {
    public static let modelID = "all-MiniLM-L6-v2"
    public var id: String { Self.modelID }
    public let dimension = MiniLMWeights.hidden
    public let tokenizer: WordPieceTokenizer
    public let weights: MiniLMWeights
    /// Longest token sequence, `[CLS]` and `[SEP]` included (sentence-transformers' setting).
    public let maxTokens: Int
    /// Tokens per forward pass: bounds the activation buffers (about 17 KB per token) while
    /// keeping the matrix products large enough for BLAS to run near peak.
    public let tokensPerPass: Int

    private static let lock = NSLock()
    /// One per thread that may run a forward pass at once.
    private var workspaces: [ActivationBuffers] = []

    /// `kernels` nil: the ones `EncoderKernels.configured()` names.
    public init(folder: MiniLMFolder, maxTokens: Int = 256, tokensPerPass: Int = 2048, kernels: KernelSet? = nil) throws {
        precondition((2...MiniLMWeights.maxPositions).contains(maxTokens), "maxTokens must be in 2...\(MiniLMWeights.maxPositions)")
        precondition(tokensPerPass >= maxTokens, "a pass must hold at least one whole sequence")
        tokenizer = try WordPieceTokenizer(vocabularyFile: folder.vocabularyPath)
        guard tokenizer.vocabulary.count == MiniLMWeights.vocabularySize else {
            throw TextEncoderError.malformedVocabulary(path: folder.vocabularyPath,
                                                       reason: "has \(tokenizer.vocabulary.count) tokens, the model expects \(MiniLMWeights.vocabularySize)")
        }
        weights = try MiniLMWeights(safetensors: SafeTensorsFile(path: folder.weightsPath), kernels: kernels ?? EncoderKernels.configured())
        self.maxTokens = maxTokens
        self.tokensPerPass = tokensPerPass
    }

    /// Loads the model from the folder `MiniLMFolder.locate` finds.
    public convenience init(explicitFolder: String? = nil) throws {
        try self.init(folder: MiniLMFolder.locate(explicit: explicitFolder))
    }

    public func tokenIDs(_ text: String) -> [Int32] {
        tokenizer.tokenIDs(text, maxTokens: maxTokens)
    }

    public func embed(_ texts: [String]) throws -> [[Float]] {
        embed(tokenized: texts.map(tokenIDs))
    }

    /// Embeddings of already tokenised sequences (each `[CLS] … [SEP]`, at most `maxTokens`).
    ///
    /// The encoder does its own threading with as many threads as OpenBLAS is configured for
    /// (`OPENBLAS_NUM_THREADS`). On the `blas` and `avx2` kernels (whose attention is OpenBLAS's)
    /// it runs BLAS single-threaded meanwhile (OpenBLAS's thread count is process-wide: it is
    /// restored on return); the `avx512` kernels leave OpenBLAS alone. Several sequences of
    /// `sequenceSplitTokens` or more tokens in all: each thread runs whole forward passes on its
    /// share of them, which scales nearly perfectly. One sequence, or a few short ones: each
    /// matrix product is split by output columns, so each thread reads only its part of the
    /// weights.
    public func embed(tokenized sequences: [[Int32]]) -> [[Float]] {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        let threads = max(1, Int(openblas_get_num_threads()))
        let singleThreadedBLAS = threads > 1 && weights.kernels != .avx512
        if singleThreadedBLAS { openblas_set_num_threads(1) }
        defer { if singleThreadedBLAS { openblas_set_num_threads(Int32(threads)) } }
        while workspaces.count < threads { workspaces.append(ActivationBuffers(scratchFloats: scratchFloats)) }
        var result: [[Float]] = []
        result.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            var end = start
            var tokens = 0
            while end < sequences.count, tokens + sequences[end].count <= tokensPerPass {
                tokens += sequences[end].count
                end += 1
            }
            result += end - start > 1 && threads > 1 && tokens >= Self.sequenceSplitTokens
                ? forwardInParallel(sequences[start..<end], threads: threads, tokens: tokens)
                : forward(sequences[start..<end], in: workspaces[0], threads: threads)
            start = end
        }
        return result
    }

    /// Below this many tokens a batch runs as one forward pass split by output columns, as one
    /// sequence does: split by sequences, every thread would read all the weights (about 40 MB)
    /// for a few rows each, as a proxy decision's call and result are.
    public static let sequenceSplitTokens = 256

    /// Splits the sequences into `threads` groups of about equal token counts and runs one
    /// single-threaded forward pass per group at once.
    private func forwardInParallel(_ sequences: ArraySlice<[Int32]>, threads: Int, tokens: Int) -> [[Float]] {
        var bounds = [sequences.startIndex]
        var cumulative = 0
        for index in sequences.indices {
            cumulative += sequences[index].count
            if bounds.count < threads, cumulative * threads >= tokens * bounds.count, index + 1 < sequences.endIndex {
                bounds.append(index + 1)
            }
        }
        bounds.append(sequences.endIndex)
        let groups = bounds.count - 1
        var results = [[[Float]]](repeating: [], count: groups)
        results.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: groups) { group in
                slots[group] = forward(sequences[bounds[group]..<bounds[group + 1]], in: workspaces[group], threads: 1)
            }
        }
        return results.flatMap { $0 }
    }

    /// One forward pass over the packed `sequences`, its work split over `threads` threads.
    private func forward(_ sequences: ArraySlice<[Int32]>, in buffers: ActivationBuffers, threads: Int) -> [[Float]] {
        let h = MiniLMWeights.hidden
        let tokenCount = sequences.reduce(0) { $0 + $1.count }
        buffers.reserve(tokens: tokenCount, threads: threads)
        let hidden = buffers.hidden!

        weights.wordEmbeddings.withUnsafeBufferPointer { words in
            weights.positionEmbeddings.withUnsafeBufferPointer { positions in
                var row = 0
                for sequence in sequences {
                    precondition(sequence.count <= maxTokens, "a sequence has \(sequence.count) tokens, more than \(maxTokens)")
                    for (position, token) in sequence.enumerated() {
                        precondition(token >= 0 && Int(token) < MiniLMWeights.vocabularySize, "token id \(token) is outside the vocabulary")
                        let word = words.baseAddress! + Int(token) * h
                        let place = positions.baseAddress! + position * h
                        let target = hidden + row * h
                        for i in 0..<h { target[i] = word[i] + place[i] }
                        row += 1
                    }
                }
            }
        }
        let lengths = sequences.map(\.count)
        var inputNorm = (scale: weights.embeddingNormScale, shift: weights.embeddingNormShift)
        for layer in weights.layers {
            encode(layer: layer, inputNorm: inputNorm, tokenCount: tokenCount, lengths: lengths, buffers: buffers, threads: threads)
            inputNorm = (layer.outputNormScale, layer.outputNormShift)
        }
        let normalised = buffers.normalised[0]
        Self.layerNorm(hidden, into: normalised, rows: tokenCount, inputNorm.scale, inputNorm.shift)
        return pool(normalised, lengths: lengths)
    }

    /// One encoder layer. `hidden` holds the previous layer's output before its layer norm
    /// (`inputNorm`), and receives this layer's output before its own.
    ///
    /// Four parallel regions, each thread with its own share of heads or output columns:
    /// 1. normalise all rows into the thread's private buffer, project its heads' queries, keys
    ///    and values, and attend with them;
    /// 2. the attention output projection of its columns, plus bias and residual;
    /// 3. normalise all rows again (privately), the feed-forward expansion of its columns, GELU;
    /// 4. the feed-forward contraction of its columns, plus bias and residual.
    /// Every thread normalises all rows itself because that costs less than waiting for the
    /// others: the threads meet only between regions, four times per layer.
    private func encode(layer: MiniLMWeights.Layer, inputNorm: (scale: [Float], shift: [Float]), tokenCount: Int, lengths: [Int],
                        buffers: ActivationBuffers, threads: Int) {
        let h = MiniLMWeights.hidden, wide = MiniLMWeights.intermediate, headSize = MiniLMWeights.headSize
        let hidden = buffers.hidden!, qkv = buffers.qkv!, context = buffers.context!
        let attended = buffers.attended!, intermediate = buffers.intermediate!
        let heads = Self.partition(MiniLMWeights.heads, threads)
        // Column shares in whole panels of the packed weights.
        let group = PanelLayout.width
        let narrow = Self.partition(h / group, threads).map { ($0.lowerBound * group)..<($0.upperBound * group) }
        let broad = Self.partition(wide / group, threads).map { ($0.lowerBound * group)..<($0.upperBound * group) }

        RegionThreads.shared.run(threads) { worker in
            let normalised = buffers.normalised[worker]
            Self.layerNorm(hidden, into: normalised, rows: tokenCount, inputNorm.scale, inputNorm.shift)
            linear(rows: tokenCount, input: normalised, inputWidth: h, weight: layer.qkvWeight, panels: layer.panels?.qkv, bias: layer.qkvBias,
                   columns: (heads[worker].lowerBound * 3 * headSize)..<(heads[worker].upperBound * 3 * headSize),
                   output: qkv, outputWidth: 3 * h)
            attend(qkv: qkv, context: context, lengths: lengths, heads: heads[worker], scores: buffers.scores[worker])
        }
        RegionThreads.shared.run(threads) { worker in
            linear(rows: tokenCount, input: context, inputWidth: h, weight: layer.attentionOutputWeight, panels: layer.panels?.attentionOutput,
                   bias: layer.attentionOutputBias,
                   columns: narrow[worker], residual: buffers.normalised[worker], output: attended, outputWidth: h)
        }
        RegionThreads.shared.run(threads) { worker in
            let normalised = buffers.normalised[worker]
            Self.layerNorm(attended, into: normalised, rows: tokenCount, layer.attentionNormScale, layer.attentionNormShift)
            linear(rows: tokenCount, input: normalised, inputWidth: h, weight: layer.intermediateWeight, panels: layer.panels?.intermediate,
                   bias: layer.intermediateBias,
                   columns: broad[worker], output: intermediate, outputWidth: wide, gelu: true)
        }
        RegionThreads.shared.run(threads) { worker in
            linear(rows: tokenCount, input: intermediate, inputWidth: wide, weight: layer.outputWeight, panels: layer.panels?.output,
                   bias: layer.outputBias,
                   columns: narrow[worker], residual: buffers.normalised[worker], output: hidden, outputWidth: h)
        }
    }

    /// Self-attention of every sequence for the heads in `heads`: `context = softmax(Q Kᵀ / √d) V`,
    /// reading Q (already divided by √d), K and V where the fused projection left them in `qkv`
    /// (per head: 32 query, 32 key, 32 value columns). Each product is cut into blocks of query
    /// rows whose scores stay in cache between the two products and the softmax.
    private func attend(qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>, lengths: [Int],
                        heads: Range<Int>, scores: UnsafeMutablePointer<Float>) {
        let h = MiniLMWeights.hidden, headSize = MiniLMWeights.headSize
        var first = 0
        for length in lengths {
            for head in heads {
                let queries = qkv + first * 3 * h + head * 3 * headSize
                let keys = queries + headSize
                let values = keys + headSize
                if weights.kernels == .avx512 {
                    Attention.attend(length: length, queries: queries, keys: keys, values: values, stride: 3 * h,
                                     context: context + first * h + head * headSize, contextStride: h, scratch: scores)
                    continue
                }
                let rowsPerBlock = max(1, Self.scoreBlockFloats / length)
                var row = 0
                while row < length {
                    let rows = min(rowsPerBlock, length - row)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(length), Int32(headSize), 1,
                                queries + row * 3 * h, Int32(3 * h), keys, Int32(3 * h), 0, scores, Int32(length))
                    for r in 0..<rows {
                        VectorMath.softmax(scores + r * length, count: length)
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(headSize), Int32(length), 1,
                                scores, Int32(length), values, Int32(3 * h), 0,
                                context + (first + row) * h + head * headSize, Int32(h))
                    row += rows
                }
            }
            first += length
        }
    }

    /// `output[:, columns] = input · weight[columns]ᵀ + bias[columns] (+ residual[:, columns])`,
    /// then GELU if asked; `columns` are whole panels of 32. In either layout of `weight` the
    /// columns' part of it is contiguous and only it is read. `panels`, the same weight packed
    /// (the `avx2` kernels), is multiplied by the AVX2 kernel when there are at most
    /// `ownKernelRows` rows: on more, OpenBLAS's blocking beats a kernel that does not block the
    /// shared dimension (0.8× OpenBLAS at 640 rows, 1.2× at 40, measured on a Zen 3 EPYC).
    private func linear(rows: Int, input: UnsafePointer<Float>, inputWidth: Int, weight: [Float], panels: [Float]?, bias: [Float],
                        columns: Range<Int>, residual: UnsafePointer<Float>? = nil,
                        output: UnsafeMutablePointer<Float>, outputWidth: Int, gelu: Bool = false) {
        guard !columns.isEmpty else { return }
        let panel = PanelLayout.width
        if weights.kernels == .avx512 {
            weight.withUnsafeBufferPointer { weight in
                bias.withUnsafeBufferPointer { bias in
                    PanelProduct.multiply(rows: rows, depth: inputWidth, a: input, lda: inputWidth,
                                          panels: (columns.lowerBound / panel)..<(columns.upperBound / panel),
                                          b: weight.baseAddress!, panelStride: panel * inputWidth, ldb: panel,
                                          c: output, ldc: outputWidth, bias: bias.baseAddress!, residual: residual, gelu: gelu)
                }
            }
            return
        }
        if let panels, rows <= Self.ownKernelRows {
            panels.withUnsafeBufferPointer { weight in
                bias.withUnsafeBufferPointer { bias in
                    HalfPanelProduct.multiply(rows: rows, depth: inputWidth, a: input, lda: inputWidth,
                                              panels: (columns.lowerBound / panel)..<(columns.upperBound / panel),
                                              b: weight.baseAddress!, panelStride: panel * inputWidth, ldb: panel,
                                              c: output, ldc: outputWidth, bias: bias.baseAddress!, residual: residual)
                }
            }
        } else {
            blasLinear(rows: rows, input: input, inputWidth: inputWidth, weight: weight, bias: bias, columns: columns,
                       residual: residual, output: output, outputWidth: outputWidth)
        }
        if gelu {
            for r in 0..<rows {
                VectorMath.gelu(output + r * outputWidth + columns.lowerBound, count: columns.count)
            }
        }
    }

    /// `linear`'s product on OpenBLAS, over the `[out, in]` weight as PyTorch stores it.
    private func blasLinear(rows: Int, input: UnsafePointer<Float>, inputWidth: Int, weight: [Float], bias: [Float],
                            columns: Range<Int>, residual: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, outputWidth: Int) {
        weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in
                for r in 0..<rows {
                    let target = output + r * outputWidth
                    if let residual {
                        let source = residual + r * outputWidth
                        for c in columns { target[c] = source[c] + bias[c] }
                    } else {
                        for c in columns { target[c] = bias[c] }
                    }
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns.count), Int32(inputWidth), 1,
                            input, Int32(inputWidth), weight.baseAddress! + columns.lowerBound * inputWidth, Int32(inputWidth),
                            1, output + columns.lowerBound, Int32(outputWidth))
            }
        }
    }

    /// The most rows `linear` gives the AVX2 kernel.
    static let ownKernelRows = 128

    /// Layer normalisation (epsilon 1e-12, as the model) of every row of `source` into `target`.
    private static func layerNorm(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, rows: Int,
                                  _ scale: [Float], _ shift: [Float]) {
        let width = scale.count
        target.update(from: source, count: rows * width)
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                VectorMath.layerNorm(target, rows: rows, width: width, scale: scale.baseAddress!, shift: shift.baseAddress!, epsilon: 1e-12)
            }
        }
    }

    /// `0..<count` cut into `parts` consecutive ranges of nearly equal size.
    static func partition(_ count: Int, _ parts: Int) -> [Range<Int>] {
        (0..<parts).map { (count * $0 / parts)..<(count * ($0 + 1) / parts) }
    }

    /// Scores held per block of query rows (32 KB, in L1/L2 cache).
    static let scoreBlockFloats = 8192

    /// Attention scratch per thread: a block of scores, or what the AVX-512 attention needs.
    private var scratchFloats: Int {
        weights.kernels == .avx512 ? Attention.scratchFloats(length: maxTokens) : Self.scoreBlockFloats
    }

    /// Mean over each sequence's rows, then L2 normalisation.
    private func pool(_ hidden: UnsafeMutablePointer<Float>, lengths: [Int]) -> [[Float]] {
        let h = MiniLMWeights.hidden
        var offset = 0
        return lengths.map { length in
            var mean = [Float](repeating: 0, count: h)
            for row in offset..<(offset + length) {
                let source = hidden + row * h
                for i in 0..<h { mean[i] += source[i] }
            }
            offset += length
            var norm: Float = 0
            for i in 0..<h {
                mean[i] /= Float(length)
                norm += mean[i] * mean[i]
            }
            let inverse = 1 / max(norm.squareRoot(), 1e-12)
            for i in 0..<h { mean[i] *= inverse }
            return mean
        }
    }

}

/// One forward pass's scratch memory, grown to the largest pass seen and then reused. Each
/// thread of the pass has its own normalised copy of the rows and its own attention scores.
final class ActivationBuffers {
    private(set) var tokenCapacity = 0
    let scratchFloats: Int
    var hidden: UnsafeMutablePointer<Float>?
    var attended: UnsafeMutablePointer<Float>?
    var qkv: UnsafeMutablePointer<Float>?
    var context: UnsafeMutablePointer<Float>?
    var intermediate: UnsafeMutablePointer<Float>?
    var normalised: [UnsafeMutablePointer<Float>] = []
    var scores: [UnsafeMutablePointer<Float>] = []

    init(scratchFloats: Int) {
        self.scratchFloats = scratchFloats
    }

    func reserve(tokens: Int, threads: Int) {
        let h = MiniLMWeights.hidden
        if tokens > tokenCapacity {
            release()
            hidden = .allocate(capacity: tokens * h)
            attended = .allocate(capacity: tokens * h)
            qkv = .allocate(capacity: tokens * 3 * h)
            context = .allocate(capacity: tokens * h)
            intermediate = .allocate(capacity: tokens * MiniLMWeights.intermediate)
            tokenCapacity = tokens
        }
        while normalised.count < threads { normalised.append(.allocate(capacity: tokenCapacity * h)) }
        while scores.count < threads { scores.append(.allocate(capacity: scratchFloats)) }
    }

    private func release() {
        for buffer in [hidden, attended, qkv, context, intermediate] { buffer?.deallocate() }
        for buffer in normalised { buffer.deallocate() }
        normalised = []
    }

    deinit {
        release()
        for buffer in scores { buffer.deallocate() }
    }
}
