/// The items of a `gatherGEMM` call: per item the input offset of its window and the row it
/// writes (`d ≥ 0`: store, `~d`: maximum with the row; see `Float.gatherGEMM`). Padded to a
/// multiple of 8 by repeating the last item, which recomputes and rewrites the same row.
struct GatherItems: Sendable {
    var bases: [Int32]
    var destinations: [Int32]
    /// Distinct rows written.
    var rows: Int

    init(bases: [Int32], destinations: [Int32], rows: Int) {
        precondition(bases.count == destinations.count && !bases.isEmpty)
        self.bases = bases; self.destinations = destinations; self.rows = rows
        while self.bases.count % 8 != 0 {
            self.bases.append(bases.last!); self.destinations.append(destinations.last!)
        }
    }

    var count: Int { bases.count }

    /// These items, one per position of an `height × width` output, followed by the max
    /// pooling `pool`: one item per pooled position and window tap, the first tap storing and
    /// the others taking the maximum. Nil unless every window lies inside the output and the
    /// windows tile it without overlap (stride = kernel, no dilation): each pooled row is then
    /// computed from its own positions only.
    func pooling(_ pool: LayerPlan.PoolingPlan, height: Int, width: Int) -> GatherItems? {
        let w = pool.window
        guard pool.unpadded, w.strideY == w.kernelHeight, w.strideX == w.kernelWidth,
              w.dilationY == 1, w.dilationX == 1, pool.inputArea == height * width, rows == height * width else { return nil }
        let pooledHeight = pool.outputArea / pool.outputWidth
        var bases: [Int32] = [], destinations: [Int32] = []
        for qy in 0..<pooledHeight {
            for qx in 0..<pool.outputWidth {
                let q = Int32(qy * pool.outputWidth + qx)
                for i in 0..<w.kernelHeight {
                    for j in 0..<w.kernelWidth {
                        bases.append(self.bases[(qy * w.kernelHeight + i) * width + qx * w.kernelWidth + j])
                        destinations.append(i == 0 && j == 0 ? q : ~q)
                    }
                }
            }
        }
        return GatherItems(bases: bases, destinations: destinations, rows: pool.outputArea)
    }
}
