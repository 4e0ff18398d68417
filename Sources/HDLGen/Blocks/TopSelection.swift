/// A candidate of the CEU's comparator tree: a score and its class index.
struct RankedScore {
    var value: Signal
    var index: Signal
}

extension ModuleBuilder {
    /// Whether `x` comes before `y` in the CEU's order: higher score first, and among equal
    /// scores the lower class index (so the argmax goes to the lowest index).
    func precedes(_ x: RankedScore, _ y: RankedScore) -> Signal {
        (x.value > y.value) | ((x.value == y.value) & (x.index < y.index))
    }

    /// The first `keep` of the union of two lists, each already in order: a merge node of
    /// the comparator tree. Every pair (a_i, b_j) is compared once; a candidate's rank is
    /// its position in its own list plus the candidates of the other list ahead of it
    /// (ties go to `a`), and output slot r takes the candidate of rank r.
    func mergeInOrder(_ a: [RankedScore], _ b: [RankedScore], keep: Int) -> [RankedScore] {
        let total = a.count + b.count
        let rankType = SignalType.uint(Int.bitWidth - total.leadingZeroBitCount)
        var ranksOfA = a.indices.map { Signal.constant($0, rankType) }
        var ranksOfB = b.indices.map { Signal.constant($0, rankType) }
        for i in a.indices {
            for j in b.indices {
                let bFirst = precedes(b[j], a[i])
                ranksOfA[i] = (ranksOfA[i] + bFirst.resized(to: rankType.width)).truncated(to: rankType.width)
                ranksOfB[j] = (ranksOfB[j] + (!bFirst).resized(to: rankType.width)).truncated(to: rankType.width)
            }
        }
        let candidates = zip(a, ranksOfA).map { ($0, $1) } + zip(b, ranksOfB).map { ($0, $1) }
        return (0..<min(keep, total)).map { slot in
            var chosen = candidates[0].0
            for (candidate, rank) in candidates.dropFirst() {
                let here = rank == slot
                chosen = RankedScore(value: mux(here, candidate.value, chosen.value),
                                     index: mux(here, candidate.index, chosen.index))
            }
            // Candidate 0 is the default arm: it is chosen when no other candidate has this rank.
            return chosen
        }
    }

    /// The first `keep` of `candidates` in order, through a balanced tree of merge nodes.
    func selectInOrder(_ candidates: [RankedScore], keep: Int) -> [RankedScore] {
        var lists = candidates.map { [$0] }
        while lists.count > 1 {
            var next: [[RankedScore]] = []
            for pair in stride(from: 0, to: lists.count, by: 2) {
                next.append(pair + 1 < lists.count ? mergeInOrder(lists[pair], lists[pair + 1], keep: keep) : lists[pair])
            }
            lists = next
        }
        return Array(lists[0].prefix(keep))
    }
}
