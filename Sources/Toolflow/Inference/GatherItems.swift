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
}
