/// The encoder's dense-layer product for CPUs with AVX2 and FMA but not AVX-512, over the same
/// packed weights as `AVX512Kernels.PanelProduct` (panels of 32 output columns, `ldb` 32, packed
/// once at load). OpenBLAS repacks its right operand on every call, which for the few rows of a
/// proxy decision (one call and one result, a few dozen tokens) costs more than the product:
/// the weights packed once are only read. This module is compiled for Haswell: call it only
/// after checking that the CPU has AVX2 and FMA (`TextEncoder` does).
///
/// A tile is 6 rows × 16 columns, half a panel: twelve 8-float sums, two weight vectors and one
/// broadcast fill 15 of the 16 vector registers.
public enum HalfPanelProduct {
    /// `c[:, columns of panels] = a · b + bias (+ residual)` for `rows` rows; `a` is
    /// `[rows, depth]` with row stride `lda`; `bias` is indexed by output column and `residual`
    /// has the layout of `c`. The arguments mean what they mean to `PanelProduct.multiply`.
    @inline(never)
    public static func multiply(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int,
                                panels: Range<Int>, b: UnsafePointer<Float>, panelStride: Int, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int,
                                bias: UnsafePointer<Float>, residual: UnsafePointer<Float>?) {
        // Rows in blocks whose slice of `a` stays in L2 cache while the panels pass over it; each
        // half panel is reused from L1 by all the 6-row tiles of a block.
        let rowsPerBlock = 96
        var firstRow = 0
        while firstRow < rows {
            let blockEnd = min(rows, firstRow + rowsPerBlock)
            for panel in panels {
                for half in 0..<2 {
                    let column = panel * PanelLayout.width + half * 16
                    var row = firstRow
                    while row < blockEnd {
                        tile(rows: min(6, blockEnd - row), depth: depth, a: a + row * lda, lda: lda,
                             b: b + panel * panelStride + half * 16, ldb: ldb, c: c + row * ldc + column, ldc: ldc,
                             bias: bias + column, residual: residual.map { $0 + row * ldc + column })
                        row += 6
                    }
                }
            }
            firstRow = blockEnd
        }
    }

    /// Up to 6 rows × 16 columns. Rows past `rows` repeat the last real row and are not stored.
    @inline(__always)
    static func tile(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>, residual: UnsafePointer<Float>?) {
        let a0 = a, a1 = a + min(1, rows - 1) * lda, a2 = a + min(2, rows - 1) * lda
        let a3 = a + min(3, rows - 1) * lda, a4 = a + min(4, rows - 1) * lda, a5 = a + min(5, rows - 1) * lda
        var c00 = Vector8(), c01 = Vector8(), c10 = Vector8(), c11 = Vector8(), c20 = Vector8(), c21 = Vector8()
        var c30 = Vector8(), c31 = Vector8(), c40 = Vector8(), c41 = Vector8(), c50 = Vector8(), c51 = Vector8()
        var row = b
        for step in 0..<depth {
            let b0 = Vector8.load(row), b1 = Vector8.load(row + 8)
            row += ldb
            var x = Vector8(repeating: a0[step])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = Vector8(repeating: a1[step])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = Vector8(repeating: a2[step])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = Vector8(repeating: a3[step])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = Vector8(repeating: a4[step])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = Vector8(repeating: a5[step])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
        }
        let bias0 = Vector8.load(bias), bias1 = Vector8.load(bias + 8)
        func store(_ r: Int, _ sum0: Vector8, _ sum1: Vector8) {
            guard r < rows else { return }
            var v0 = sum0 + bias0, v1 = sum1 + bias1
            if let residual {
                v0 += Vector8.load(residual + r * ldc)
                v1 += Vector8.load(residual + r * ldc + 8)
            }
            v0.store(to: c + r * ldc)
            v1.store(to: c + r * ldc + 8)
        }
        store(0, c00, c01); store(1, c10, c11); store(2, c20, c21)
        store(3, c30, c31); store(4, c40, c41); store(5, c50, c51)
    }
}

/// One AVX2 register of floats. Its helpers live beside the tile loop, for the reason
/// `AVX512Kernels.Vector`'s do: in a debug build a helper in another file stayed a call.
typealias Vector8 = SIMD8<Float>

extension Vector8 {
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector8 {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector8.self)
    }

    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Vector8.self)
    }
}

/// How the encoder's weights are laid out for the kernels that read them packed
/// (`HalfPanelProduct` here, `AVX512Kernels.PanelProduct`): panels of `width` output columns.
/// Packing lives in this module, compiled for Haswell, so a CPU without AVX-512 runs none of
/// the AVX-512 module's code to load the weights.
public enum PanelLayout {
    public static let width = 32

    /// A PyTorch `[outputs, inputs]` weight as panels of 32 output columns (`panelStride` is
    /// `32 · inputs`, `ldb` 32) for `output = input · weightᵀ`.
    @inline(never)
    public static func packed(_ weight: [Float], outputs: Int, inputs: Int) -> [Float] {
        precondition(outputs % width == 0 && weight.count == outputs * inputs, "weight must be [outputs, inputs] with outputs a multiple of 32")
        return [Float](unsafeUninitializedCapacity: weight.count) { target, count in
            for panel in 0..<(outputs / width) {
                for i in 0..<inputs {
                    for j in 0..<width {
                        target[(panel * inputs + i) * width + j] = weight[(panel * width + j) * inputs + i]
                    }
                }
            }
            count = weight.count
        }
    }
}
