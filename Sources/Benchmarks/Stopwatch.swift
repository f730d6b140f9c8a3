import Foundation

/// Wall-clock timing for benchmarks: the median of several timed rounds after a warm-up,
/// because a shared 2-core machine makes single rounds noisy.
public enum Stopwatch {
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Seconds per call of `body`, median over `rounds` rounds of `iterations` calls each.
    public static func secondsPerCall(iterations: Int, rounds: Int = 5, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup * iterations { try body() }
        var perCall: [Double] = []
        for _ in 0..<rounds {
            let start = now()
            for _ in 0..<iterations { try body() }
            perCall.append((now() - start) / Double(iterations))
        }
        perCall.sort()
        return perCall[perCall.count / 2]
    }
}

extension Stopwatch {
    /// Each figure's median over several runs that measured the same figures (a key missing from
    /// a run is left out of that figure's median): each side of a comparison is measured in turn
    /// several times, so a burst of other work on the machine moves one run, not the figure.
    public static func medians(_ runs: [[String: Double]]) -> [String: Double] {
        var samples: [String: [Double]] = [:]
        for run in runs {
            for (key, value) in run { samples[key, default: []].append(value) }
        }
        return samples.mapValues { values in values.sorted()[values.count / 2] }
    }
}
