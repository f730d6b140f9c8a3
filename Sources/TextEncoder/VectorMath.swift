import Foundation

/// Element-wise kernels of the forward pass, written as plain loops over raw pointers so the
/// compiler vectorises them: calling `expf` / `erff` once per element would cost more than the
/// attention matrix products at 256 tokens.
enum VectorMath {
    /// `exp(x)` to about 2 ulp: Cody-Waite reduction to `r ∈ [-ln2/2, ln2/2]`, the Cephes
    /// degree-6 polynomial, then scaling by `2^n` through the exponent bits. No integer
    /// conversion (it would trap on overflow and stop vectorisation): adding 1.5 · 2^23 rounds
    /// `x · log2(e)` to an integer that then sits in the low mantissa bits.
    @inline(__always)
    static func exp(_ value: Float) -> Float {
        let x = value < -87.33654 ? -87.33654 : (value > 88.0 ? 88.0 : value)
        let shifted = x * 1.442695041 + 12582912.0
        let n = shifted - 12582912.0
        let r = (x - n * 0.693359375) + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r * r + r + 1
        let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23)
        return y * scale
    }

    /// `erf(x)` to 5e-7 absolute (GELU needs no better): the rational approximation Eigen and
    /// XLA use for float (odd numerator of degree 13 over even denominator of degree 8, with x
    /// clamped to [-4, 4], where erf is ±1 in float).
    @inline(__always)
    static func erf(_ value: Float) -> Float {
        let x = value < -4 ? -4 : (value > 4 ? 4 : value)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 + -2.10102402082508e-06
        p = p * x2 + -5.69250639462346e-05
        p = p * x2 + -7.34990630326855e-04
        p = p * x2 + -2.95459980854025e-03
        p = p * x2 + -1.60960333262415e-02
        p = p * x
        var q: Float = -1.45660718464996e-05
        q = q * x2 + -2.13374055278905e-04
        q = q * x2 + -1.68282697438203e-03
        q = q * x2 + -7.37332916720468e-03
        q = q * x2 + -1.42647390514189e-02
        return p / q
    }

    /// BERT's GELU, `x · Φ(x) = x/2 · (1 + erf(x/√2))`, in place.
    static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let x = values[i]
            values[i] = 0.5 * x * (1 + erf(x * 0.70710678118654752))
        }
    }

    /// Softmax of one row in place.
    static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        let maximum = self.maximum(row, count: count)
        for i in 0..<count { row[i] = exp(row[i] - maximum) }
        let inverse = 1 / sum(row, count: count)
        for i in 0..<count { row[i] *= inverse }
    }

    /// Sums and maxima keep eight partial results: a single running total is a chain of
    /// dependent additions the compiler may not reorder into vector lanes.
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes += UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < count {
            total += values[i]
            i += 1
        }
        return total
    }

    static func maximum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: -.greatestFiniteMagnitude)
        var i = 0
        while i + 8 <= count {
            let next = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes.replace(with: next, where: next .> lanes)
            i += 8
        }
        var result = lanes.max()
        while i < count {
            result = Swift.max(result, values[i])
            i += 1
        }
        return result
    }

    /// `Σ (x - mean)²`.
    static func centredSquares(_ values: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
        var lanes = SIMD8<Float>()
        let centre = SIMD8<Float>(repeating: mean)
        var i = 0
        while i + 8 <= count {
            let d = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self) - centre
            lanes += d * d
            i += 8
        }
        var total = lanes.sum()
        while i < count {
            total += (values[i] - mean) * (values[i] - mean)
            i += 1
        }
        return total
    }

    /// Layer normalisation of each of `rows` rows of `width` floats in place (biased variance,
    /// as PyTorch).
    static func layerNorm(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                          scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, epsilon: Float) {
        for r in 0..<rows {
            let row = values + r * width
            let mean = sum(row, count: width) / Float(width)
            let squares = centredSquares(row, count: width, mean: mean)
            let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
            for i in 0..<width { row[i] = (row[i] - mean) * inverse * scale[i] + shift[i] }
        }
    }
}
