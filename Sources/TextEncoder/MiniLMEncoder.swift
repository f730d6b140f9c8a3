import CBLAS
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

    static let layerNormEpsilon: Float = 1e-12

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
    public func embed(tokenized sequences: [[Int32]]) -> [[Float]] {
        lock.lock()
        defer { lock.unlock() }
        let threads = ParallelRows.maximumThreads
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
                : forward(sequences[start..<end], in: workspaces[0])
            start = end
        }
        return result
    }

    /// Several sequences: each thread runs whole forward passes on its share of them with
    /// single-threaded BLAS. Splitting every product instead would synchronise the threads a few
    /// dozen times per layer; whole passes scale nearly perfectly. OpenBLAS's thread count is
    /// process-wide, so it is lowered for the duration and restored.
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
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(threads)) }
        results.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: groups) { group in
                slots[group] = forward(sequences[bounds[group]..<bounds[group + 1]], in: workspaces[group])
            }
        }
        return results.flatMap { $0 }
    }

    private func forward(_ sequences: ArraySlice<[Int32]>, in buffers: ActivationBuffers) -> [[Float]] {
        let h = MiniLMWeights.hidden
        let tokenCount = sequences.reduce(0) { $0 + $1.count }
        buffers.reserve(tokens: tokenCount, scores: ParallelRows.maximumThreads * Self.scoreBlockFloats)
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
        weights.embeddingNormScale.withUnsafeBufferPointer { scale in
            weights.embeddingNormShift.withUnsafeBufferPointer { shift in
                VectorMath.layerNorm(hidden, rows: tokenCount, width: h, scale: scale.baseAddress!, shift: shift.baseAddress!,
                                     epsilon: Self.layerNormEpsilon)
            }
        }
        let lengths = sequences.map(\.count)
        for layer in weights.layers {
            encode(layer: layer, tokenCount: tokenCount, lengths: lengths, buffers: buffers)
        }
        return pool(hidden, lengths: lengths)
    }

    /// One encoder layer: `hidden` in, `hidden` out, `attended` holds the post-attention states.
    private func encode(layer: MiniLMWeights.Layer, tokenCount: Int, lengths: [Int], buffers: ActivationBuffers) {
        let h = MiniLMWeights.hidden, wide = MiniLMWeights.intermediate
        let hidden = buffers.hidden!, qkv = buffers.qkv!, context = buffers.context!
        let attended = buffers.attended!, intermediate = buffers.intermediate!

        layer.qkvBias.withUnsafeBufferPointer { bias in
            Self.fillRows(qkv, rows: tokenCount, with: bias)
        }
        layer.qkvWeight.withUnsafeBufferPointer { weight in
            Self.multiplyTransposed(tokenCount, 3 * h, h, hidden, h, weight.baseAddress!, qkv, 3 * h)
        }

        attend(qkv: qkv, context: context, lengths: lengths, scratch: buffers.scores!)

        layer.attentionOutputBias.withUnsafeBufferPointer { bias in
            Self.addRows(hidden, bias, into: attended, rows: tokenCount)
        }
        layer.attentionOutputWeight.withUnsafeBufferPointer { weight in
            Self.multiplyTransposed(tokenCount, h, h, context, h, weight.baseAddress!, attended, h)
        }
        Self.layerNorm(attended, tokenCount, layer.attentionNormScale, layer.attentionNormShift)

        layer.intermediateBias.withUnsafeBufferPointer { bias in
            Self.fillRows(intermediate, rows: tokenCount, with: bias)
        }
        layer.intermediateWeight.withUnsafeBufferPointer { weight in
            Self.multiplyTransposed(tokenCount, wide, h, attended, h, weight.baseAddress!, intermediate, wide)
        }
        ParallelRows.forEachChunk(rows: tokenCount, elementsPerRow: wide) { rows, _ in
            VectorMath.gelu(intermediate + rows.lowerBound * wide, count: rows.count * wide)
        }

        layer.outputBias.withUnsafeBufferPointer { bias in
            Self.addRows(attended, bias, into: hidden, rows: tokenCount)
        }
        layer.outputWeight.withUnsafeBufferPointer { weight in
            Self.multiplyTransposed(tokenCount, h, wide, intermediate, wide, weight.baseAddress!, hidden, h)
        }
        Self.layerNorm(hidden, tokenCount, layer.outputNormScale, layer.outputNormShift)
    }

    /// Self-attention of every sequence and head: `context = softmax(Q Kᵀ / √d) V`, reading Q, K
    /// and V where the fused projection left them in `qkv`. The (sequence, head) pairs are split
    /// between threads, and each product is cut into blocks of query rows small enough that
    /// OpenBLAS runs it on the calling thread: no hand-off to its thread pool per block, and each
    /// block's scores stay in cache between the two products and the softmax.
    private func attend(qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>, lengths: [Int],
                        scratch: UnsafeMutablePointer<Float>) {
        let h = MiniLMWeights.hidden, heads = MiniLMWeights.heads, headSize = MiniLMWeights.headSize
        let scale = 1 / Float(headSize).squareRoot()
        var offsets: [Int] = []
        var offset = 0
        for length in lengths {
            offsets.append(offset)
            offset += length
        }
        let pairs = lengths.count * heads
        let longest = lengths.max() ?? 1
        ParallelRows.forEachChunk(rows: pairs, elementsPerRow: 4 * longest * headSize) { chunk, worker in
            let scores = scratch + worker * Self.scoreBlockFloats
            for pair in chunk {
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

    /// Scores per block of query rows: `rows × length × headSize` stays at OpenBLAS's
    /// single-thread bound (65536 × 4 multiply-adds), so the block never waits for its pool.
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

    /// `c[m, n] += a[m, k] · b[n, k]ᵀ` (row-major; `b` is a PyTorch `[out, in]` weight).
    private static func multiplyTransposed(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int,
                                           _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(k), 1, c, Int32(ldc))
    }

    private static func fillRows(_ target: UnsafeMutablePointer<Float>, rows: Int, with row: UnsafeBufferPointer<Float>) {
        for r in 0..<rows {
            (target + r * row.count).update(from: row.baseAddress!, count: row.count)
        }
    }

    /// `target[r] = source[r] + bias` for every row: the residual and the bias, before the
    /// matrix product adds onto them.
    private static func addRows(_ source: UnsafePointer<Float>, _ bias: UnsafeBufferPointer<Float>, into target: UnsafeMutablePointer<Float>, rows: Int) {
        let width = bias.count
        ParallelRows.forEachChunk(rows: rows, elementsPerRow: width) { chunk, _ in
            for r in chunk {
                let s = source + r * width, t = target + r * width
                for i in 0..<width { t[i] = s[i] + bias[i] }
            }
        }
    }

    private static func layerNorm(_ values: UnsafeMutablePointer<Float>, _ rows: Int, _ scale: [Float], _ shift: [Float]) {
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                ParallelRows.forEachChunk(rows: rows, elementsPerRow: MiniLMWeights.hidden) { chunk, _ in
                    VectorMath.layerNorm(values + chunk.lowerBound * MiniLMWeights.hidden, rows: chunk.count, width: MiniLMWeights.hidden,
                                         scale: scale.baseAddress!, shift: shift.baseAddress!, epsilon: layerNormEpsilon)
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
