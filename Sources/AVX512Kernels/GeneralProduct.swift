import AVX2Kernels

/// `C = op(A)·op(B)` or `C += op(A)·op(B)` for row-major matrices of any shape and either
/// transposition, on `PanelProduct`'s 8×32 tile: the products of the network layers, whose
/// weights change every step, so nothing is packed ahead as the encoder's weights are.
///
/// The tile reads its left operand in place, transposed or not, and wants its right operand as
/// panels of 32 columns, each step's 32 values contiguous. A right operand stored the other way
/// is packed first, and the product is computed in whichever orientation packs less: `C`
/// itself, or `Cᵀ = op(B)ᵀ·op(A)ᵀ` written back transposed. A layer's forward `X·Wᵀ` on a small
/// batch takes the second (it packs the batch, not the weight); its gradients `dY·W` and
/// `dYᵀ·X` take the first and pack nothing but a last partial panel.
///
/// Use: `init` plans, `pack(part:of:)` packs (when `packs`), then `run(units:)` computes any
/// share of the `units` tiles; threads can split both. Each tile is computed the same way
/// whichever thread runs it, so the result does not depend on the split.
public struct GeneralProduct {
    /// The computed product `P = L·R` (`rows × columns`, depth `depth`) and where `P[x][y]` goes.
    let rows: Int, columns: Int, depth: Int
    /// `L[x][i]` is at `left + x · leftRowStride + i · leftStep`.
    let left: UnsafePointer<Float>, leftRowStride: Int, leftStep: Int
    /// `R[i][y]` as stored.
    let rightSource: UnsafePointer<Float>, rightDepthStride: Int, rightColumnStride: Int
    /// Where panels are read: panel `p` starts at `right + p · panelStride`, steps `rightStep` apart.
    let right: UnsafePointer<Float>, panelStride: Int, rightStep: Int
    /// The packed panels, all of them or only the last partial one, or nil when none is packed.
    let packed: UnsafeMutablePointer<Float>?
    let packsAllPanels: Bool
    let c: UnsafeMutablePointer<Float>, cRowStride: Int, cColumnStride: Int
    /// Whether P is C (not Cᵀ), so that full tiles are stored straight into it.
    let direct: Bool
    let accumulate: Bool

    static let width = PanelLayout.width
    static let tileRows = 8

    /// Whether the product computes `Cᵀ`, and how much workspace it packs into.
    struct Plan {
        let transposed: Bool
        let packsAllPanels: Bool
        let columns: Int

        init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) {
            // Floats gathered into panels (and, transposed, scattered back) in each orientation.
            let direct = transposeB ? k * n : 0
            let flipped = (transposeA ? 0 : k * m) + m * n
            transposed = flipped < direct
            packsAllPanels = transposed ? !transposeA : transposeB
            columns = transposed ? m : n
        }

        var panels: Int { (columns + GeneralProduct.width - 1) / GeneralProduct.width }
        var hasPartialPanel: Bool { columns % GeneralProduct.width != 0 }

        func workspaceFloats(depth k: Int) -> Int {
            packsAllPanels ? panels * k * GeneralProduct.width : (hasPartialPanel ? k * GeneralProduct.width : 0)
        }
    }

    /// Floats of workspace `init` needs for this shape.
    public static func workspaceFloats(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> Int {
        Plan(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB).workspaceFloats(depth: k)
    }

    /// `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n` with row stride `ldc`; `A` and `B`
    /// are read as stored (`transposeA`: A is `k × m` with row stride `lda`). `workspace` holds
    /// at least `workspaceFloats` floats and must outlive the `pack` and `run` calls, as must the
    /// matrices.
    public init(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                b: UnsafePointer<Float>, ldb: Int, transposeB: Bool, accumulate: Bool,
                c: UnsafeMutablePointer<Float>, ldc: Int, workspace: UnsafeMutablePointer<Float>) {
        precondition(m > 0 && n > 0 && k > 0, "GeneralProduct: empty product \(m)×\(k)·\(k)×\(n)")
        let plan = Plan(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
        (columns, depth) = (plan.columns, k)
        self.c = c
        self.accumulate = accumulate
        direct = !plan.transposed
        packsAllPanels = plan.packsAllPanels
        if plan.transposed {
            // L = op(B)ᵀ, R = op(A)ᵀ, P[x][y] = C[y][x].
            (rows, left) = (n, b)
            (leftRowStride, leftStep) = transposeB ? (ldb, 1) : (1, ldb)
            rightSource = a
            (rightDepthStride, rightColumnStride) = transposeA ? (lda, 1) : (1, lda)
            (cRowStride, cColumnStride) = (1, ldc)
        } else {
            (rows, left) = (m, a)
            (leftRowStride, leftStep) = transposeA ? (1, lda) : (lda, 1)
            rightSource = b
            (rightDepthStride, rightColumnStride) = transposeB ? (1, ldb) : (ldb, 1)
            (cRowStride, cColumnStride) = (ldc, 1)
        }
        packed = plan.packsAllPanels || plan.hasPartialPanel ? workspace : nil
        (right, panelStride, rightStep) = plan.packsAllPanels
            ? (UnsafePointer(workspace), k * Self.width, Self.width) : (rightSource, Self.width, rightDepthStride)
    }

    /// Whether `pack` has work: a right operand stored column by column, or a last partial panel.
    public var packs: Bool { packed != nil }

    /// Packs share `part` of `parts` of the steps of every panel that needs packing.
    public func pack(part: Int, of parts: Int) {
        guard let packed else { return }
        let steps = (depth * part / parts)..<(depth * (part + 1) / parts)
        let panels = (columns + Self.width - 1) / Self.width
        if packsAllPanels {
            for panel in 0..<panels { packPanel(panel, steps: steps, into: packed + panel * depth * Self.width) }
        } else {
            packPanel(panels - 1, steps: steps, into: packed)
        }
    }

    /// Steps `steps` of panel `panel`, zeros past the last column.
    private func packPanel(_ panel: Int, steps: Range<Int>, into target: UnsafeMutablePointer<Float>) {
        let first = panel * Self.width, real = min(Self.width, columns - first)
        if rightColumnStride == 1 {
            for i in steps {
                let source = rightSource + i * rightDepthStride + first, row = target + i * Self.width
                row.update(from: source, count: real)
                (row + real).update(repeating: 0, count: Self.width - real)
            }
            return
        }
        precondition(rightDepthStride == 1, "GeneralProduct: the right operand has neither contiguous steps nor contiguous columns")
        // Each column is a row in memory: read blocks of its steps contiguously, into a block of
        // the panel small enough to stay in L1 cache while all 32 columns are written into it.
        let block = 64
        for start in stride(from: steps.lowerBound, to: steps.upperBound, by: block) {
            let end = min(start + block, steps.upperBound)
            for j in 0..<real {
                let source = rightSource + (first + j) * rightColumnStride
                for i in start..<end { target[i * Self.width + j] = source[i] }
            }
            for j in real..<Self.width {
                for i in start..<end { target[i * Self.width + j] = 0 }
            }
        }
    }

    var tilesPerPanel: Int { (rows + Self.tileRows - 1) / Self.tileRows }

    /// Tiles of 8 × 32 in the product, panel by panel: split them among threads.
    public var units: Int { tilesPerPanel * ((columns + Self.width - 1) / Self.width) }

    /// Computes and stores the tiles in `units`, after every part is packed.
    public func run(units: Range<Int>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.tileRows * Self.width) { buffer in
            for unit in units {
                let panel = unit / tilesPerPanel, firstRow = unit % tilesPerPanel * Self.tileRows
                let tileRows = min(Self.tileRows, rows - firstRow), firstColumn = panel * Self.width
                let full = firstColumn + Self.width <= columns
                let (b, ldb) = !full && !packsAllPanels ? (UnsafePointer(packed!), Self.width) : (right + panel * panelStride, rightStep)
                let a = left + firstRow * leftRowStride
                if full && direct {
                    let target = c + firstRow * cRowStride + firstColumn
                    PanelProduct.tile(rows: tileRows, depth: depth, a: a, lda: leftRowStride, aStep: leftStep, b: b, ldb: ldb,
                                      c: target, ldc: cRowStride, bias: nil, residual: accumulate ? UnsafePointer(target) : nil, gelu: false)
                } else {
                    PanelProduct.tile(rows: tileRows, depth: depth, a: a, lda: leftRowStride, aStep: leftStep, b: b, ldb: ldb,
                                      c: buffer.baseAddress!, ldc: Self.width, bias: nil, residual: nil, gelu: false)
                    scatter(buffer.baseAddress!, rows: tileRows, columns: min(Self.width, columns - firstColumn), firstRow: firstRow,
                            firstColumn: firstColumn)
                }
            }
        }
    }

    /// Stores (or adds) a tile computed into `tile` where its real rows and columns go in C.
    private func scatter(_ tile: UnsafePointer<Float>, rows tileRows: Int, columns tileColumns: Int, firstRow: Int, firstColumn: Int) {
        for x in 0..<tileRows {
            for y in 0..<tileColumns {
                let target = c + (firstRow + x) * cRowStride + (firstColumn + y) * cColumnStride
                target.pointee = accumulate ? target.pointee + tile[x * Self.width + y] : tile[x * Self.width + y]
            }
        }
    }
}
