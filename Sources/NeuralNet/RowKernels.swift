/// Reductions and per-row loops of LayerNorm (and the gradient norm), eight lanes at a time. Sums
/// use eight partial sums, so they are ordered differently from a sequential sum (within Float
/// rounding).
enum RowKernels {
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        let lanes = FloatVector.scalarCount
        let fullCount = count - count % lanes
        var partial = FloatVector()
        for i in stride(from: 0, to: fullCount, by: lanes) { partial += x.vector(at: i) }
        var total = partial.sum()
        for i in fullCount..<count { total += x[i] }
        return total
    }

    @inline(__always)
    static func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, mean: Float, count: Int) -> Float {
        let lanes = FloatVector.scalarCount
        let fullCount = count - count % lanes
        var partial = FloatVector()
        for i in stride(from: 0, to: fullCount, by: lanes) {
            let d = x.vector(at: i) - mean
            partial += d * d
        }
        var total = partial.sum()
        for i in fullCount..<count { total += (x[i] - mean) * (x[i] - mean) }
        return total
    }

    /// x̂ = (x − mean)·scale (kept when `normalized` is given) and y = x̂·gain + shift.
    @inline(__always)
    static func normalize(_ x: UnsafePointer<Float>, mean: Float, scale: Float, gain: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                          normalized: UnsafeMutablePointer<Float>?, output y: UnsafeMutablePointer<Float>, count: Int) {
        let lanes = FloatVector.scalarCount
        let fullCount = count - count % lanes
        for i in stride(from: 0, to: fullCount, by: lanes) {
            let h = (x.vector(at: i) - mean) * scale
            normalized?.setVector(h, at: i)
            y.setVector(h * gain.vector(at: i) + shift.vector(at: i), at: i)
        }
        for i in fullCount..<count {
            let h = (x[i] - mean) * scale
            normalized?[i] = h
            y[i] = h * gain[i] + shift[i]
        }
    }

    /// One row of LayerNorm's backward: accumulates the gain and shift gradients and writes dx.
    @inline(__always)
    static func layerNormBackward(dy: UnsafePointer<Float>, xHat: UnsafePointer<Float>, rstd: Float, inverseWidth: Float,
                                  gain: UnsafePointer<Float>, gainGradient: UnsafeMutablePointer<Float>,
                                  shiftGradient: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int) {
        let lanes = FloatVector.scalarCount
        let fullCount = count - count % lanes
        var sumG = FloatVector()
        var sumGXHat = FloatVector()
        for i in stride(from: 0, to: fullCount, by: lanes) {
            let dyi = dy.vector(at: i)
            let h = xHat.vector(at: i)
            let g = dyi * gain.vector(at: i)
            sumG += g
            sumGXHat += g * h
            gainGradient.setVector(gainGradient.vector(at: i) + dyi * h, at: i)
            shiftGradient.setVector(shiftGradient.vector(at: i) + dyi, at: i)
        }
        var totalG = sumG.sum()
        var totalGXHat = sumGXHat.sum()
        for i in fullCount..<count {
            let g = dy[i] * gain[i]
            totalG += g
            totalGXHat += g * xHat[i]
            gainGradient[i] += dy[i] * xHat[i]
            shiftGradient[i] += dy[i]
        }
        let meanG = totalG * inverseWidth
        let meanGXHat = totalGXHat * inverseWidth
        for i in stride(from: 0, to: fullCount, by: lanes) {
            let g = dy.vector(at: i) * gain.vector(at: i)
            dx.setVector(rstd * (g - meanG - xHat.vector(at: i) * meanGXHat), at: i)
        }
        for i in fullCount..<count {
            dx[i] = rstd * (dy[i] * gain[i] - meanG - xHat[i] * meanGXHat)
        }
    }
}
