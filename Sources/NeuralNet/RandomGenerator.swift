import Foundation

/// xoshiro256** (Blackman & Vigna), seeded through SplitMix64. The whole state is four words,
/// so a checkpoint can save it and a resumed run continues the exact same stream.
///
/// Every sampler here consumes a fixed number of words per value and keeps no cache, so the
/// four words are the complete state.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// The four words to save; `init(state:)` continues from exactly here.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public init(seed: UInt64) {
        var splitMix = seed
        func splitMixNext() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMixNext()
        s1 = splitMixNext()
        s2 = splitMixNext()
        s3 = splitMixNext()
    }

    public enum StateError: Error, CustomStringConvertible {
        case wrongLength(Int)
        case allZero

        public var description: String {
            switch self {
            case .wrongLength(let count): return "random generator state needs 4 words, got \(count)"
            case .allZero: return "random generator state is all zero, which xoshiro256** never leaves"
            }
        }
    }

    /// Restores a state saved from `state`.
    public init(state: [UInt64]) throws {
        guard state.count == 4 else { throw StateError.wrongLength(state.count) }
        guard state.contains(where: { $0 != 0 }) else { throw StateError.allZero }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits, every value exactly representable.
    public mutating func uniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    public mutating func uniform(in range: Range<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Standard normal by Box–Muller; uses two words per value (the second variate is dropped
    /// so that no cached value hides outside `state`).
    public mutating func normal() -> Float {
        let u1 = 1 - uniformDouble() // in (0, 1], so the logarithm is finite
        let u2 = uniformDouble()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Uniform integer in 0..<bound, without modulo bias (Lemire's multiply-and-reject).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Fisher–Yates, written out so the order does not depend on the standard library's algorithm.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = integer(below: i + 1)
            if i != j { elements.swapAt(i, j) }
        }
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
