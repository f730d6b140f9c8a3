import AVX2Kernels

/// Matrix products for the MiniLM encoder written for AVX-512 (16-float vectors) with Swift's
/// SIMD types. This module is compiled for Skylake-AVX-512: call it only after checking that the
/// CPU has AVX-512 F, CD, BW, DQ and VL (`TextEncoder` does), or the process dies of an illegal
/// instruction.
///
/// Right operands are read as *panels* of 32 columns (`PanelLayout`): panel `p` holds, for each
/// step `i` of the shared dimension, its 32 values contiguously at `b + p · panelStride + i · ldb`.
/// Weights packed once by `PanelLayout.packed` have that form with `ldb` 32, so no product packs
/// them again (OpenBLAS repacks its right operand on every call); a key-major matrix such as the
/// attention values has it as it is, with `ldb` its row stride.
public enum PanelProduct {
    /// `c[:, columns of panels] = a · b (+ bias) (+ residual)`, then GELU if asked, for `rows`
    /// rows; `a` is `[rows, depth]` with row stride `lda`; `bias` is indexed by output column and
    /// `residual` has the layout of `c`.
    @inline(never)
    public static func multiply(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int,
                                panels: Range<Int>, b: UnsafePointer<Float>, panelStride: Int, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int,
                                bias: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>? = nil, gelu: Bool = false) {
        // Rows are taken in blocks whose slice of `a` stays in L2 cache while every panel of `b`
        // passes over it; within a block each panel is reused from L1 by all its 8-row tiles.
        // (Cutting panels into chunks of 128 steps, all tiles taking one chunk before the next,
        // measured 5-15% slower, at one sentence as at 32.)
        let rowsPerBlock = 128
        var firstRow = 0
        while firstRow < rows {
            let blockEnd = min(rows, firstRow + rowsPerBlock)
            for panel in panels {
                let column = panel * PanelLayout.width
                var row = firstRow
                while row < blockEnd {
                    tile(rows: min(8, blockEnd - row), depth: depth, a: a + row * lda, lda: lda,
                         b: b + panel * panelStride, ldb: ldb, c: c + row * ldc + column, ldc: ldc,
                         bias: bias.map { $0 + column }, residual: residual.map { $0 + row * ldc + column }, gelu: gelu)
                    row += 8
                }
            }
            firstRow = blockEnd
        }
    }

    /// One tile of up to 8 rows × 32 columns, its sums held in 16 vector registers. Rows past
    /// `rows` repeat the last real row and are not stored, so partial tiles need no other code.
    /// Row `r` of `a` holds its steps `aStep` apart from `a + r · lda` (1 for a row-major `a`; a
    /// transposed one is read in place with `lda` 1 and `aStep` its row stride).
    @inline(__always)
    static func tile(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int, aStep: Int = 1, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, gelu: Bool) {
        let a0 = a, a1 = a + min(1, rows - 1) * lda, a2 = a + min(2, rows - 1) * lda, a3 = a + min(3, rows - 1) * lda
        let a4 = a + min(4, rows - 1) * lda, a5 = a + min(5, rows - 1) * lda, a6 = a + min(6, rows - 1) * lda, a7 = a + min(7, rows - 1) * lda
        var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector(), c20 = Vector(), c21 = Vector(), c30 = Vector(), c31 = Vector()
        var c40 = Vector(), c41 = Vector(), c50 = Vector(), c51 = Vector(), c60 = Vector(), c61 = Vector(), c70 = Vector(), c71 = Vector()
        var row = b
        var step = 0
        for _ in 0..<depth {
            let b0 = Vector.load(row), b1 = Vector.load(row + 16)
            row += ldb
            var x = Vector(repeating: a0[step])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = Vector(repeating: a1[step])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = Vector(repeating: a2[step])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = Vector(repeating: a3[step])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = Vector(repeating: a4[step])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = Vector(repeating: a5[step])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            x = Vector(repeating: a6[step])
            c60 = c60.addingProduct(x, b0); c61 = c61.addingProduct(x, b1)
            x = Vector(repeating: a7[step])
            c70 = c70.addingProduct(x, b0); c71 = c71.addingProduct(x, b1)
            step += aStep
        }
        let bias0 = bias.map { Vector.load($0) } ?? Vector(), bias1 = bias.map { Vector.load($0 + 16) } ?? Vector()
        let store = TileStore(rows: rows, c: c, ldc: ldc, bias0: bias0, bias1: bias1, residual: residual)
        store.row(0, c00, c01); store.row(1, c10, c11); store.row(2, c20, c21); store.row(3, c30, c31)
        store.row(4, c40, c41); store.row(5, c50, c51); store.row(6, c60, c61); store.row(7, c70, c71)
        // GELU as a second pass over the tile, still in L1 cache, through a call that takes a
        // pointer: the compiler would not inline it into `row`, and a call taking a vector
        // argument splits it into four 128-bit registers.
        if gelu {
            for r in 0..<rows { VectorFunctions.gelu(c + r * ldc, count: 32) }
        }
    }
}

/// Where a tile's sums go: plus bias and residual, into the tile's rows that exist.
struct TileStore {
    let rows: Int
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let bias0: Vector, bias1: Vector
    let residual: UnsafePointer<Float>?

    @inline(__always)
    func row(_ r: Int, _ sum0: Vector, _ sum1: Vector) {
        guard r < rows else { return }
        var v0 = sum0 + bias0, v1 = sum1 + bias1
        if let residual {
            v0 += Vector.load(residual + r * ldc)
            v1 += Vector.load(residual + r * ldc + 16)
        }
        v0.store(to: c + r * ldc)
        v1.store(to: c + r * ldc + 16)
    }
}

/// One AVX-512 register of floats.
///
/// Its helpers live in this file, beside the tile loop: in a debug build, where files are
/// compiled apart (optimised, but without whole-module optimisation), a helper in another file
/// stayed a call from the loop, even `@_transparent`, and products ran five times slower than in
/// a release build.
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
