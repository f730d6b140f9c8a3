/// A series as a row of block characters (`▁▂▃▄▅▆▇█`) that any terminal can show. Long series
/// are cut into `width` runs of consecutive points, each drawn at its mean; the lowest mean is
/// `▁` and the highest `█`. A flat series is drawn at mid height.
public enum Sparkline {
    public static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func render(_ values: [Double], width: Int) -> String {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty, width > 0 else { return "" }
        let buckets = min(width, finite.count)
        let means = (0..<buckets).map { bucket -> Double in
            let start = bucket * finite.count / buckets, end = (bucket + 1) * finite.count / buckets
            return finite[start..<end].reduce(0, +) / Double(end - start)
        }
        let low = means.min()!, high = means.max()!
        guard high > low else { return String(repeating: levels[3], count: buckets) }
        return String(means.map { mean in
            levels[Int(((mean - low) / (high - low) * Double(levels.count - 1)).rounded())]
        })
    }
}
