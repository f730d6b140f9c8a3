#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Eight floats at a time for the hand-vectorised loops (optimiser, norms, activations), where
/// the auto-vectoriser gives up: reductions it may not reorder, or buffers it cannot prove apart.
typealias FloatVector = SIMD8<Float>

extension UnsafePointer where Pointee == Float {
    @inline(__always)
    func vector(at index: Int) -> FloatVector {
        UnsafeRawPointer(self + index).loadUnaligned(as: FloatVector.self)
    }

    /// The `count` (< 8) values from `index`, padded with zeros: the tail of a vectorised loop.
    @inline(__always)
    func partialVector(at index: Int, count: Int) -> FloatVector {
        var value = FloatVector()
        for lane in 0..<count { value[lane] = self[index + lane] }
        return value
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func vector(at index: Int) -> FloatVector {
        UnsafeRawPointer(self + index).loadUnaligned(as: FloatVector.self)
    }

    @inline(__always)
    func setVector(_ value: FloatVector, at index: Int) {
        UnsafeMutableRawPointer(self + index).storeBytes(of: value, as: FloatVector.self)
    }

    @inline(__always)
    func setPartialVector(_ value: FloatVector, at index: Int, count: Int) {
        for lane in 0..<count { self[index + lane] = value[lane] }
    }
}

/// Lane-wise square root. `SIMD.squareRoot()` becomes eight scalar `sqrtf` calls on Linux (each
/// guarded for errno), so on x86-64 this uses SSE's `sqrtps` directly.
@inline(__always)
func squareRoot(_ value: FloatVector) -> FloatVector {
    #if arch(x86_64)
    FloatVector(lowHalf: _mm_sqrt_ps(value.lowHalf), highHalf: _mm_sqrt_ps(value.highHalf))
    #else
    value.squareRoot()
    #endif
}
