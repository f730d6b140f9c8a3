/// How a new dataset is stored. Every dataset of rank ≥ 1 is chunked with an unlimited first
/// axis, so rows can be appended later.
public struct DatasetOptions: Sendable, Equatable {
    /// gzip level 1...9, or nil to store chunks uncompressed. On float data level 4 took a
    /// third longer than level 1 for a file 1% smaller (`safemcp-bench --only hdf5`).
    public var gzipLevel: Int?
    /// Reorders the bytes of each chunk by significance before gzip, which lets it find the
    /// repetition in numbers; it has no effect on variable-length strings.
    public var shuffle: Bool
    /// Rows (first-axis entries) per chunk; nil picks about `targetChunkBytes` per chunk.
    public var chunkRows: Int?

    public init(gzipLevel: Int? = 1, shuffle: Bool = true, chunkRows: Int? = nil) {
        self.gzipLevel = gzipLevel
        self.shuffle = shuffle
        self.chunkRows = chunkRows
    }

    public static let standard = DatasetOptions()
    public static let uncompressed = DatasetOptions(gzipLevel: nil, shuffle: false)

    /// Large enough that per-chunk overhead is small, small enough that reading a few rows
    /// does not decompress megabytes.
    static let targetChunkBytes = 256 * 1024

    func chunkRows(rowBytes: Int, rows: Int) -> Int {
        if let chunkRows { return max(1, chunkRows) }
        let byTarget = Self.targetChunkBytes / max(1, rowBytes)
        // A small dataset gets no chunk bigger than it needs, unless it may grow: 1024 rows
        // keeps appends of small rows from making thousands of chunks.
        return max(1, min(byTarget, max(rows, 1024)))
    }
}
