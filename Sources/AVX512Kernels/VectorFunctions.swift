/// `VectorMath`'s exp, erf, GELU and softmax sixteen floats at a time: the same polynomials,
/// evaluated in the same order, so both kernel sets agree to rounding.
///
/// The per-vector functions are `@_transparent`: with `@inline(__always)` the compiler still
/// emitted calls to them, and a call passes a 16-float vector as four 128-bit pieces, which
/// made the loop around it several times slower.
public enum VectorFunctions {
    @_transparent
    static func exp(_ value: Vector) -> Vector {
        let x = value.clamped(-87.33654, 88.0)
        let shifted = x * 1.442695041 + 12582912.0
        let n = shifted - 12582912.0
        let r = (x - n * 0.693359375) + n * 2.12194440e-4
        var p = Vector(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r * r + r + 1
        let exponent = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: Vector.self)
    }

    @_transparent
    static func erf(_ value: Vector) -> Vector {
        let x = value.clamped(-4, 4)
        let x2 = x * x
        var p = Vector(repeating: -2.72614225801306e-10)
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 + -2.10102402082508e-06
        p = p * x2 + -5.69250639462346e-05
        p = p * x2 + -7.34990630326855e-04
        p = p * x2 + -2.95459980854025e-03
        p = p * x2 + -1.60960333262415e-02
        p = p * x
        var q = Vector(repeating: -1.45660718464996e-05)
        q = q * x2 + -2.13374055278905e-04
        q = q * x2 + -1.68282697438203e-03
        q = q * x2 + -7.37332916720468e-03
        q = q * x2 + -1.42647390514189e-02
        return p / q
    }

    @_transparent
    static func gelu(_ x: Vector) -> Vector {
        0.5 * x * (1 + erf(x * 0.70710678118654752))
    }

    /// GELU of `count` floats in place.
    @inline(never)
    public static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            gelu(Vector.load(values + i)).store(to: values + i)
            i += 16
        }
        if i < count {
            var last = Vector()
            for j in i..<count { last[j - i] = values[j] }
            last = gelu(last)
            for j in i..<count { values[j] = last[j - i] }
        }
    }

    /// Softmax of one row of `count` floats in place; a last partial vector goes through the
    /// same loops as whole ones.
    @inline(never)
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var maximum = Vector(repeating: -.greatestFiniteMagnitude)
        var i = 0
        while i < count {
            maximum.formMaximum(chunk(row + i, count: count - i, padding: -.greatestFiniteMagnitude))
            i += 16
        }
        let shift = Vector(repeating: maximum.max())
        var sums = Vector()
        i = 0
        while i < count {
            let lanes = min(16, count - i)
            var e = exp(chunk(row + i, count: lanes, padding: -.greatestFiniteMagnitude) - shift)
            if lanes < 16 {
                for j in lanes..<16 { e[j] = 0 }
                for j in 0..<lanes { row[i + j] = e[j] }
            } else {
                e.store(to: row + i)
            }
            sums += e
            i += 16
        }
        let inverse = 1 / sums.sum()
        i = 0
        while i + 16 <= count {
            (Vector.load(row + i) * inverse).store(to: row + i)
            i += 16
        }
        while i < count {
            row[i] *= inverse
            i += 1
        }
    }

    /// The 16 floats at `values`, or the first `count` of them and `padding` after.
    @inline(__always)
    static func chunk(_ values: UnsafePointer<Float>, count: Int, padding: Float) -> Vector {
        if count >= 16 { return Vector.load(values) }
        var result = Vector(repeating: padding)
        for j in 0..<count { result[j] = values[j] }
        return result
    }
}
