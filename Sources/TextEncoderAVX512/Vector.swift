/// One AVX-512 register of floats.
public typealias Vector = SIMD16<Float>

extension Vector {
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Vector.self)
    }

    /// Lane-wise `min(max(self, lower), upper)`, written with masks: the standard library's
    /// `pointwiseMin`/`pointwiseMax` are generic and were not inlined.
    @inline(__always)
    func clamped(_ lower: Float, _ upper: Float) -> Vector {
        var result = self
        result.replace(with: lower, where: result .< lower)
        result.replace(with: upper, where: result .> upper)
        return result
    }

    @inline(__always)
    mutating func formMaximum(_ other: Vector) {
        replace(with: other, where: other .> self)
    }
}
