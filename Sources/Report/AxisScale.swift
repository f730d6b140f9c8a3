import Foundation

/// A linear axis whose ends and ticks fall on round numbers: steps of 1, 2 or 5 times a power
/// of ten, the one nearest to spreading the data over `targetTicks` ticks (Heckbert's "nice
/// numbers"), so the tick count stays within about half to twice the target.
public struct AxisScale: Equatable, Sendable {
    public let lower: Double
    public let upper: Double
    public let tickStep: Double

    public init(dataMin: Double, dataMax: Double, targetTicks: Int = 5) {
        var low = dataMin, high = dataMax
        if low == high {
            // A flat series still needs a visible band around it.
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
        }
        let step = Self.roundStep((high - low) / Double(max(targetTicks - 1, 1)))
        tickStep = step
        // The tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding a needless tick.
        lower = (low / step + 1e-9).rounded(.down) * step
        upper = (high / step - 1e-9).rounded(.up) * step
    }

    /// The tick values from `lower` to `upper`, computed from integers so no `0.30000000000000004`.
    public var ticks: [Double] {
        let first = Int((lower / tickStep).rounded()), last = Int((upper / tickStep).rounded())
        return (first...last).map { Double($0) * tickStep }
    }

    /// Tick text with just the decimals the step needs; on an axis reaching 10 000 in steps of
    /// whole thousands, every tick is written in thousands (`20k`).
    public func label(_ value: Double) -> String {
        let decimals = max(0, Int((-log10(tickStep) - 1e-9).rounded(.up)))
        if max(abs(lower), abs(upper)) >= 10_000, tickStep.truncatingRemainder(dividingBy: 1000) == 0 {
            return value == 0 ? "0" : "\(Int((value / 1000).rounded()))k"
        }
        // Past four decimals the zeros outgrow the axis margin; exponents stay short.
        if decimals > 4 { return value == 0 ? "0" : String(format: "%.3g", value) }
        let text = String(format: "%.\(decimals)f", value)
        // `-0.0` reads as a different number from `0.0`.
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// Where `value` falls between `lower` (0) and `upper` (1).
    public func fraction(_ value: Double) -> Double {
        (value - lower) / (upper - lower)
    }

    static func roundStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let mantissa = raw / magnitude
        let nice: Double = mantissa < 1.5 ? 1 : mantissa < 3 ? 2 : mantissa < 7 ? 5 : 10
        return nice * magnitude
    }
}
