import Foundation

/// Progress of a long loop on stderr: a bar redrawn in place on a terminal, plain lines at a
/// modest rate otherwise (CI logs, pipes), so logs stay readable in both.
public final class ProgressReporter {
    private let label: String
    private let total: Int
    private let isTerminal: Bool
    private let startTime: Double
    private var lastDraw = -Double.infinity
    private let lineInterval: Double

    public init(label: String, total: Int, isTerminal: Bool = isatty(STDERR_FILENO) == 1, lineInterval: Double = 10) {
        self.label = label
        self.total = max(total, 1)
        self.isTerminal = isTerminal
        self.lineInterval = lineInterval
        startTime = Self.now()
    }

    /// Reports that `done` of `total` units are complete, with named figures such as the loss.
    public func update(_ done: Int, _ figures: [(String, Double)] = []) {
        let now = Self.now()
        let finished = done >= total
        guard finished || now - lastDraw >= (isTerminal ? 0.1 : lineInterval) else { return }
        lastDraw = now
        let line = Self.render(label: label, done: done, total: total, elapsed: now - startTime, figures: figures, barWidth: isTerminal ? 24 : 0)
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[2K" + line + (finished ? "\n" : "") : line + "\n").utf8))
    }

    static func render(label: String, done: Int, total: Int, elapsed: Double, figures: [(String, Double)], barWidth: Int) -> String {
        let fraction = min(1, Double(done) / Double(max(total, 1)))
        var parts = [label]
        if barWidth > 0 {
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            parts.append("[" + String(repeating: "█", count: filled) + String(repeating: "·", count: barWidth - filled) + "]")
        }
        parts.append("\(done)/\(total)")
        for (name, value) in figures {
            parts.append("\(name) \(String(format: "%.4g", value))")
        }
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        parts.append(String(format: "%.1f/s", rate))
        if rate > 0, done < total {
            parts.append("eta \(formatDuration(Double(total - done) / rate))")
        }
        return parts.joined(separator: "  ")
    }

    static func formatDuration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole)s"
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}
