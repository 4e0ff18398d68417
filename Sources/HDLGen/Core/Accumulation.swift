import FixedPoint

/// The accumulator width that holds any sum of `terms` products of two signed
/// `wordlength`-bit words, so that accumulation can never overflow.
public func accumulatorWidth(wordlength: Int, terms: Int) -> Int {
    let low = -(1 << (wordlength - 1)), high = (1 << (wordlength - 1)) - 1
    let products = [low * low, low * high, high * high]
    return Int.signedWordlength(holding: (terms * products.min()!)...(terms * products.max()!))
}

extension ModuleBuilder {
    /// A registered accumulator over `value`: a beat marked `first` starts a new sum, later
    /// beats add to it, and the cycle after the beat marked `last` the sum stands in `acc`
    /// with `done` set. One cycle of latency; windows may follow each other with no gap.
    func accumulate(_ value: Signal, valid: Signal, first: Signal, last: Signal, width: Int)
        -> (acc: Signal, done: Signal) {
        let acc = accumulator("acc_q", value, valid: valid, first: first, width: width)
        let done = register("done_q", next: valid & last, reset: 0)
        return (acc, done)
    }

    /// Accumulators `acc0_q`, `acc1_q`, … over `values`, sharing one window and one `done`.
    func accumulate(_ values: [Signal], valid: Signal, first: Signal, last: Signal, width: Int)
        -> (accs: [Signal], done: Signal) {
        let accs = values.indices.map { i in accumulator("acc\(i)_q", values[i], valid: valid, first: first, width: width) }
        let done = register("done_q", next: valid & last, reset: 0)
        return (accs, done)
    }

    private func accumulator(_ name: String, _ value: Signal, valid: Signal, first: Signal, width: Int) -> Signal {
        let acc = register(name, .sint(width))
        let widened = value.resized(to: width)
        when(valid) {
            connect(acc, to: mux(first, widened, (acc + widened).truncated(to: width)))
        }
        return acc
    }

    /// The sum of `values` through a balanced adder tree with a register after every level.
    /// Every level grows the width by one bit, so the sum is exact.
    /// Returns the sum and the number of register levels (ceil(log2(count))).
    func adderTree(_ values: [Signal], name: String) -> (sum: Signal, levels: Int) {
        var level = values, depth = 0
        while level.count > 1 {
            depth += 1
            var next: [Signal] = []
            for pair in stride(from: 0, to: level.count, by: 2) {
                let value = pair + 1 < level.count ? level[pair] + level[pair + 1] : level[pair]
                next.append(register("\(name)_l\(depth)_\(pair / 2)", next: value))
            }
            level = next
        }
        return (level[0], depth)
    }
}
