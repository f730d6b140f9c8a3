import KernelThreads

/// Element-wise loops over large buffers (the optimiser, zeroing and norming gradients, GELU),
/// split among the BLAS thread count on `RegionThreads`. Each element's result depends on that
/// element alone, and `sum` adds fixed blocks in order, so the split changes no bit.
enum ElementThreads {
    /// Buffers with fewer elements run on the calling thread: below it, starting a region costs
    /// more than it saves.
    static let parallelCountMinimum = 1 << 14

    static func parts(count: Int) -> Int { count >= parallelCountMinimum ? max(1, BLASThreads.count) : 1 }

    /// Calls `body(part, range)` for `parts(count:)` consecutive ranges covering `0..<count`,
    /// each a whole number of `FloatVector`s except the last (some may be empty).
    static func forEachRange(count: Int, _ body: (Int, Range<Int>) -> Void) {
        let threads = parts(count: count)
        guard threads > 1 else { return body(0, 0..<count) }
        let lanes = FloatVector.scalarCount
        let chunk = (count / threads + lanes - 1) / lanes * lanes
        RegionThreads.shared.run(threads) { part in
            body(part, min(part * chunk, count)..<min((part + 1) * chunk, count))
        }
    }

    /// The sum of `partial` over consecutive blocks of `parallelCountMinimum` elements, added
    /// in block order: the same bits whatever the thread count.
    static func sum(count: Int, _ partial: (Range<Int>) -> Double) -> Double {
        let block = parallelCountMinimum
        let blocks = (count + block - 1) / block
        var sums = [Double](repeating: 0, count: blocks)
        sums.withUnsafeMutableBufferPointer { sums in
            let threads = min(blocks, parts(count: count))
            let perThread = threads > 0 ? (blocks + threads - 1) / threads : 0
            RegionThreads.shared.run(threads) { part in
                for index in min(part * perThread, blocks)..<min((part + 1) * perThread, blocks) {
                    sums[index] = partial((index * block)..<min((index + 1) * block, count))
                }
            }
        }
        return sums.reduce(0, +)
    }
}
