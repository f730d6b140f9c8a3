import CBLAS
import Dispatch

/// Splits work over rows between as many threads as OpenBLAS uses, so the non-BLAS part of the
/// forward pass (GELU, layer norm, attention) scales with the matrix products and
/// `OPENBLAS_NUM_THREADS=1` keeps the whole encoder on one core.
enum ParallelRows {
    /// Below this many elements a second thread costs more than it saves.
    static let minimumElementsPerThread = 16_384

    static var maximumThreads: Int { max(1, Int(openblas_get_num_threads())) }

    /// Calls `body` with consecutive row ranges covering `0..<rows` and the index of the worker
    /// (`0..<maximumThreads`) running it, for per-worker scratch memory.
    static func forEachChunk(rows: Int, elementsPerRow: Int, _ body: (Range<Int>, Int) -> Void) {
        let threads = min(maximumThreads, max(1, rows * elementsPerRow / minimumElementsPerThread), rows)
        guard threads > 1 else {
            body(0..<rows, 0)
            return
        }
        DispatchQueue.concurrentPerform(iterations: threads) { index in
            body((rows * index / threads)..<(rows * (index + 1) / threads), index)
        }
    }
}
