import CBLAS
import Dispatch
import Foundation

/// all-MiniLM-L6-v2 (6-layer BERT, 384 wide) in Swift over BLAS: WordPiece tokens, encoder,
/// mean pooling over the real tokens, L2 normalisation — the embeddings sentence-transformers
/// computes for this model.
///
/// The sequences of a batch are packed end to end instead of padded: the dense layers see one
/// `[tokens, width]` matrix with no padding rows, and attention runs per sequence and head, so
/// no padding mask is needed and no work is spent on padding. Buffers are allocated once and
/// reused across calls; a lock makes one encoder safe to share between threads.
public final class MiniLMEncoder: TextEmbedder, @unchecked Sendable {
    public let id: String
    public let dimension = MiniLMWeights.hidden
    public let tokenizer: WordPieceTokenizer
    public let weights: MiniLMWeights
    /// Longest token sequence, `[CLS]` and `[SEP]` included (sentence-transformers' setting).
    public let maxTokens: Int
    /// Tokens per forward pass: bounds the activation buffers (about 17 KB per token) while
    /// keeping the matrix products large enough for BLAS to run near peak.
    public let tokensPerPass: Int

    private let lock = NSLock()
    /// One per thread that may run a forward pass at once.
    private var workspaces: [ActivationBuffers] = []

    public init(folder: MiniLMFolder, maxTokens: Int = 256, tokensPerPass: Int = 2048) throws {
        precondition((2...MiniLMWeights.maxPositions).contains(maxTokens), "maxTokens must be in 2...\(MiniLMWeights.maxPositions)")
        precondition(tokensPerPass >= maxTokens, "a pass must hold at least one whole sequence")
        tokenizer = try WordPieceTokenizer(vocabularyFile: folder.vocabularyPath)
        guard tokenizer.vocabulary.count == MiniLMWeights.vocabularySize else {
            throw TextEncoderError.malformedVocabulary(path: folder.vocabularyPath,
                                                       reason: "has \(tokenizer.vocabulary.count) tokens, the model expects \(MiniLMWeights.vocabularySize)")
        }
        weights = try MiniLMWeights(safetensors: SafeTensorsFile(path: folder.weightsPath))
        id = "all-MiniLM-L6-v2"
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
    /// The encoder does its own threading with as many threads as OpenBLAS is configured for,
    /// and runs BLAS single-threaded meanwhile (OpenBLAS's thread count is process-wide: it is
    /// restored on return). Several sequences: each thread runs whole forward passes on its share
    /// of them, which scales nearly perfectly. One sequence: each matrix product is split by
    /// output columns, so each thread reads and packs only its part of the weights.
    public func embed(tokenized sequences: [[Int32]]) -> [[Float]] {
        lock.lock()
        defer { lock.unlock() }
        let threads = max(1, Int(openblas_get_num_threads()))
        if threads > 1 { openblas_set_num_threads(1) }
        defer { if threads > 1 { openblas_set_num_threads(Int32(threads)) } }
        while workspaces.count < threads { workspaces.append(ActivationBuffers()) }
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
            result += end - start > 1 && threads > 1
                ? forwardInParallel(sequences[start..<end], threads: threads, tokens: tokens)
                : forward(sequences[start..<end], in: workspaces[0], threads: threads)
            start = end
        }
        return result
    }

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
        buffers.reserve(tokens: tokenCount, scores: threads * Self.scoreBlockFloats)
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
        let work = Work(threads: threads)
        work.layerNorm(hidden, rows: tokenCount, weights.embeddingNormScale, weights.embeddingNormShift)
        let lengths = sequences.map(\.count)
        for layer in weights.layers {
            encode(layer: layer, tokenCount: tokenCount, lengths: lengths, buffers: buffers, work: work)
        }
        return pool(hidden, lengths: lengths)
    }

    /// One encoder layer: `hidden` in, `hidden` out, `attended` holds the post-attention states.
    /// Biases, residuals and GELU are applied by the thread that computed those columns.
    private func encode(layer: MiniLMWeights.Layer, tokenCount: Int, lengths: [Int], buffers: ActivationBuffers, work: Work) {
        let h = MiniLMWeights.hidden, wide = MiniLMWeights.intermediate
        let hidden = buffers.hidden!, qkv = buffers.qkv!, context = buffers.context!
        let attended = buffers.attended!, intermediate = buffers.intermediate!

        work.linear(rows: tokenCount, input: hidden, inputWidth: h, weight: layer.qkvWeight, bias: layer.qkvBias, output: qkv)
        attend(qkv: qkv, context: context, lengths: lengths, scratch: buffers.scores!, work: work)
        work.linear(rows: tokenCount, input: context, inputWidth: h, weight: layer.attentionOutputWeight,
                    bias: layer.attentionOutputBias, residual: hidden, output: attended)
        work.layerNorm(attended, rows: tokenCount, layer.attentionNormScale, layer.attentionNormShift)
        work.linear(rows: tokenCount, input: attended, inputWidth: h, weight: layer.intermediateWeight,
                    bias: layer.intermediateBias, output: intermediate, gelu: true)
        work.linear(rows: tokenCount, input: intermediate, inputWidth: wide, weight: layer.outputWeight,
                    bias: layer.outputBias, residual: attended, output: hidden)
        work.layerNorm(hidden, rows: tokenCount, layer.outputNormScale, layer.outputNormShift)
    }

    /// Self-attention of every sequence and head: `context = softmax(Q Kᵀ / √d) V`, reading Q, K
    /// and V where the fused projection left them in `qkv`. The (sequence, head) pairs are split
    /// between threads, and each product is cut into blocks of query rows whose scores stay in
    /// cache between the two products and the softmax.
    private func attend(qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>, lengths: [Int],
                        scratch: UnsafeMutablePointer<Float>, work: Work) {
        let h = MiniLMWeights.hidden, heads = MiniLMWeights.heads, headSize = MiniLMWeights.headSize
        let scale = 1 / Float(headSize).squareRoot()
        var offsets: [Int] = []
        var offset = 0
        for length in lengths {
            offsets.append(offset)
            offset += length
        }
        work.split(lengths.count * heads) { pairs, worker in
            let scores = scratch + worker * Self.scoreBlockFloats
            for pair in pairs {
                let sequence = pair / heads, head = pair % heads
                let length = lengths[sequence], first = offsets[sequence]
                let keys = qkv + first * 3 * h + h + head * headSize
                let values = keys + h
                let rowsPerBlock = max(1, Self.scoreBlockFloats / length)
                var row = 0
                while row < length {
                    let rows = min(rowsPerBlock, length - row)
                    let queries = qkv + (first + row) * 3 * h + head * headSize
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(length), Int32(headSize), scale,
                                queries, Int32(3 * h), keys, Int32(3 * h), 0, scores, Int32(length))
                    for r in 0..<rows {
                        VectorMath.softmax(scores + r * length, count: length)
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(headSize), Int32(length), 1,
                                scores, Int32(length), values, Int32(3 * h), 0,
                                context + (first + row) * h + head * headSize, Int32(h))
                    row += rows
                }
            }
        }
    }

    /// Scores held per block of query rows (32 KB, in L1/L2 cache).
    static let scoreBlockFloats = 8192

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

/// How one forward pass spreads its work over threads (BLAS itself runs single-threaded).
struct Work {
    let threads: Int

    /// Calls `body` with consecutive ranges covering `0..<count` and the index of the thread
    /// running each (`0..<threads`), one range per thread.
    func split(_ count: Int, _ body: (Range<Int>, Int) -> Void) {
        let parts = min(threads, count)
        guard parts > 1 else {
            body(0..<count, 0)
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts) { index in
            body((count * index / parts)..<(count * (index + 1) / parts), index)
        }
    }

    /// `output = input · weightᵀ + bias (+ residual)`, then GELU if asked, with `weight` a
    /// PyTorch `[out, in]` matrix. Threads take blocks of output columns (multiples of 16, to
    /// keep BLAS's vector kernels whole): each packs only its rows of the weight.
    func linear(rows: Int, input: UnsafePointer<Float>, inputWidth: Int, weight: [Float], bias: [Float],
                residual: UnsafePointer<Float>? = nil, output: UnsafeMutablePointer<Float>, gelu: Bool = false) {
        let width = bias.count
        weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in
                split(width / 16) { blocks, _ in
                    let columns = (blocks.lowerBound * 16)..<(blocks.upperBound == width / 16 ? width : blocks.upperBound * 16)
                    for r in 0..<rows {
                        let target = output + r * width
                        if let residual {
                            let source = residual + r * width
                            for c in columns { target[c] = source[c] + bias[c] }
                        } else {
                            for c in columns { target[c] = bias[c] }
                        }
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns.count), Int32(inputWidth), 1,
                                input, Int32(inputWidth), weight.baseAddress! + columns.lowerBound * inputWidth, Int32(inputWidth),
                                1, output + columns.lowerBound, Int32(width))
                    if gelu {
                        for r in 0..<rows {
                            VectorMath.gelu(output + r * width + columns.lowerBound, count: columns.count)
                        }
                    }
                }
            }
        }
    }

    /// Layer normalisation (epsilon 1e-12, as the model) of each row of `values`, rows split
    /// between threads.
    func layerNorm(_ values: UnsafeMutablePointer<Float>, rows: Int, _ scale: [Float], _ shift: [Float]) {
        let width = scale.count
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                split(rows) { chunk, _ in
                    VectorMath.layerNorm(values + chunk.lowerBound * width, rows: chunk.count, width: width,
                                         scale: scale.baseAddress!, shift: shift.baseAddress!, epsilon: 1e-12)
                }
            }
        }
    }
}

/// One forward pass's scratch memory, grown to the largest pass seen and then reused.
final class ActivationBuffers {
    private(set) var tokenCapacity = 0
    private(set) var scoreCapacity = 0
    var hidden: UnsafeMutablePointer<Float>?
    var attended: UnsafeMutablePointer<Float>?
    var qkv: UnsafeMutablePointer<Float>?
    var context: UnsafeMutablePointer<Float>?
    var intermediate: UnsafeMutablePointer<Float>?
    var scores: UnsafeMutablePointer<Float>?

    func reserve(tokens: Int, scores scoreCount: Int) {
        if tokens > tokenCapacity {
            for buffer in [hidden, attended, qkv, context, intermediate] { buffer?.deallocate() }
            let h = MiniLMWeights.hidden
            hidden = .allocate(capacity: tokens * h)
            attended = .allocate(capacity: tokens * h)
            qkv = .allocate(capacity: tokens * 3 * h)
            context = .allocate(capacity: tokens * h)
            intermediate = .allocate(capacity: tokens * MiniLMWeights.intermediate)
            tokenCapacity = tokens
        }
        if scoreCount > scoreCapacity {
            scores?.deallocate()
            scores = .allocate(capacity: scoreCount)
            scoreCapacity = scoreCount
        }
    }

    deinit {
        for buffer in [hidden, attended, qkv, context, intermediate, scores] { buffer?.deallocate() }
    }
}
