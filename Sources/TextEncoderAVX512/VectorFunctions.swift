/// `VectorMath`'s exp, erf, GELU and softmax sixteen floats at a time: the same polynomials,
/// evaluated in the same order, so both kernel sets agree to rounding.
public enum VectorFunctions {
    @inline(__always)
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

    @inline(__always)
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

    @inline(__always)
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

    /// Softmax of one row of `count` floats in place.
    @inline(never)
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        let whole = count / 16 * 16
        var maximum = Vector(repeating: -.greatestFiniteMagnitude)
        var i = 0
        while i < whole {
            maximum.formMaximum(Vector.load(row + i))
            i += 16
        }
        var largest = maximum.max()
        for j in whole..<count { largest = max(largest, row[j]) }
        let shift = Vector(repeating: largest)
        var sums = Vector()
        i = 0
        while i < whole {
            let e = exp(Vector.load(row + i) - shift)
            e.store(to: row + i)
            sums += e
            i += 16
        }
        var total = sums.sum()
        if whole < count {
            var tail = shift
            for j in whole..<count { tail[j - whole] = row[j] }
            tail = exp(tail - shift)
            for j in (count - whole)..<16 { tail[j] = 0 }
            total += tail.sum()
            for j in whole..<count { row[j] = tail[j - whole] }
        }
        let inverse = Vector(repeating: 1 / total)
        i = 0
        while i < whole {
            (Vector.load(row + i) * inverse).store(to: row + i)
            i += 16
        }
        for j in whole..<count { row[j] *= inverse[0] }
    }
}
