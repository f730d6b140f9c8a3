/// Self-attention of one sequence and one head, `context = softmax(Q Kᵀ) V`, with the products
/// in `PanelProduct`. Q must already carry the `1/√d` factor (the encoder folds it into the query
/// weights).
public enum Attention {
    public static let headSize = 32

    /// Floats of scratch `attend` needs for any sequence of at most `length` tokens: the
    /// transposed keys, and a block of scores, which holds 8192 floats or 8 rows, whichever is
    /// more (a shorter sequence may have a larger block than a longer one).
    public static func scratchFloats(length: Int) -> Int {
        let padded = paddedLength(length)
        return padded * headSize + max(8192, 8 * padded)
    }

    /// `queries`, `keys` and `values` point at the head's first column in row-major matrices of
    /// `length` rows with row stride `stride`; `context` receives `length` rows of `headSize`
    /// values with row stride `contextStride`.
    @inline(never)
    public static func attend(length: Int, queries: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                              stride: Int, context: UnsafeMutablePointer<Float>, contextStride: Int, scratch: UnsafeMutablePointer<Float>) {
        let padded = paddedLength(length)
        // Kᵀ as panels of 32 keys (zeros past the last key), so the scores come out of the same
        // tile kernel as every other product; the values already are one panel of 32 columns.
        let transposedKeys = scratch
        let lastPanel = transposedKeys + (padded - 32) * headSize
        for d in 0..<headSize {
            for j in (length - (padded - 32))..<32 { lastPanel[d * 32 + j] = 0 }
        }
        for key in 0..<length {
            let source = keys + key * stride
            let target = transposedKeys + (key / 32) * 32 * headSize + key % 32
            for d in 0..<headSize { target[d * 32] = source[d] }
        }
        let scores = scratch + padded * headSize
        let blockRows = rowsPerBlock(length)
        var row = 0
        while row < length {
            let rows = min(blockRows, length - row)
            PanelProduct.multiply(rows: rows, depth: headSize, a: queries + row * stride, lda: stride,
                                  panels: 0..<(padded / 32), b: transposedKeys, panelStride: 32 * headSize, ldb: 32,
                                  c: scores, ldc: padded)
            for r in 0..<rows { VectorFunctions.softmax(scores + r * padded, count: length) }
            PanelProduct.multiply(rows: rows, depth: length, a: scores, lda: padded,
                                  panels: 0..<1, b: values, panelStride: 0, ldb: stride,
                                  c: context + row * contextStride, ldc: contextStride)
            row += rows
        }
    }

    static func paddedLength(_ length: Int) -> Int { (length + 31) / 32 * 32 }

    /// Query rows per block: a multiple of the tile's 8 rows whose scores (at most 32 KB) stay in
    /// L1 cache between the two products and the softmax.
    static func rowsPerBlock(_ length: Int) -> Int {
        max(8, 8192 / paddedLength(length) / 8 * 8)
    }
}
