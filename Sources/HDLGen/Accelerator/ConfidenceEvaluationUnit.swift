import FixedPoint

/// The CEU: decides per sample whether the LPU's answer is confident, by the generalised
/// best-vs-second-best test `Σ_{i≤M} e_(i) − Σ_{M<j≤N} e_(j) ≥ th · Σ_k e_k` with
/// `e_i = exp(z_i − z_max)` from `ExponentialTable` — gBvSB_{M,N}(softmax(z)) ≥ th, without
/// a division.
///
/// Two passes over each sample, which a double buffer keeps in block RAM:
/// 1. as the C scores arrive, `lanes` per beat, a comparator tree reduces each beat to its
///    ordered top-K and merges it with the running top-K (K = N, or M when N = C, since then
///    the runner-up sum is the total minus the top-M sum); z_max and the class come out of it;
/// 2. the scores are read back `lanes` per cycle, turned into e_i and summed.
/// Pass 1 of a sample overlaps pass 2 of the one before. Handshakes: two `Stream`s, `in_valid`/`in_ready`
/// (a beat moves when both are set), `out_valid`/`out_ready` (likewise).
/// Outputs per sample: `predicted` (argmax, ties to the lowest index), `confident`, and the
/// two sides of the comparison: `margin` = (top − runner-up sums)·2^t and `scaled_total` = th·Σe.
public struct ConfidenceEvaluationUnit: Module {
    public let classes: Int
    public let lanes: Int
    public let m: Int
    public let n: Int
    public let scoreFormat: FixedPointFormat
    public let table: ExponentialTable
    /// Fraction bits of the `threshold` input, which holds th·2^t in t+1 bits (th ≤ 1 fits).
    public let thresholdFractionBits: Int

    public init(classes: Int, lanes: Int, m: Int, n: Int, scoreFormat: FixedPointFormat,
                table: ExponentialTable? = nil, thresholdFractionBits: Int = 10) throws {
        try UnitParameterError.check("CEU", "classes", classes, in: 2...4096)
        try UnitParameterError.check("CEU", "lanes", lanes, in: 1...64)
        try UnitParameterError.check("CEU", "m", m, in: 1...(classes - 1))
        try UnitParameterError.check("CEU", "n", n, in: (m + 1)...classes)
        try UnitParameterError.check("CEU", "score wordlength", scoreFormat.wordlength, in: 2...16)
        try UnitParameterError.check("CEU", "thresholdFractionBits", thresholdFractionBits, in: 1...16)
        let table = table ?? .standard(scoreFractionBits: scoreFormat.fractionBits)
        try UnitParameterError.check("CEU", "table resolutionBits", table.resolutionBits,
                                     in: 0...max(0, scoreFormat.fractionBits + 8))
        self.classes = classes
        self.lanes = lanes
        self.m = m
        self.n = n
        self.scoreFormat = scoreFormat
        self.table = table
        self.thresholdFractionBits = thresholdFractionBits
        try UnitParameterError.check("CEU", "sorted entries (N, or M when N = C)", sortedCount, in: 1...32)
    }

    public var name: String {
        "ceu_c\(classes)_l\(lanes)_m\(m)_n\(n)_q\(scoreFormat.wordlength)_\(scoreFormat.fractionBits < 0 ? "m\(-scoreFormat.fractionBits)" : "\(scoreFormat.fractionBits)")"
            + "_e\(table.resolutionBits)_\(table.size)_\(table.fractionBits)_t\(thresholdFractionBits)"
    }
    public var summary: String {
        "confidence evaluation unit, gBvSB(M=\(m), N=\(n)) over \(classes) classes, \(lanes) scores per beat"
    }

    /// Beats per sample: ceil(C / lanes).
    public var beatsPerSample: Int { (classes + lanes - 1) / lanes }
    /// Length of the ordered list the comparator tree keeps.
    public var sortedCount: Int { Self.sortedCount(classes: classes, m: m, n: n) }
    /// Length of the ordered list gBvSB(M, N) over `classes` needs: N, or only M when N
    /// covers every class (the runner-up sum is then the total minus the top M).
    public static func sortedCount(classes: Int, m: Int, n: Int) -> Int { n == classes ? m : n }
    var indexWidth: Int { Int.bitWidth - classes.leadingZeroBitCount }
    var beatWidth: Int { max(1, Int.bitWidth - (beatsPerSample - 1).leadingZeroBitCount) }
    var laneLevels: Int { lanes <= 1 ? 0 : Int.bitWidth - (lanes - 1).leadingZeroBitCount }
    var totalWidth: Int { table.entryWidth + Int.bitWidth - classes.leadingZeroBitCount }
    /// Score lanes of the last beat that carry a class (the rest are padding).
    var lanesInLastBeat: Int { classes - (beatsPerSample - 1) * lanes }

    /// Cycles from a sample's last accepted beat to its result in `out_valid`, when the unit
    /// is idle: the tree stage, the token, the start of pass 2, B reads, the RAM register,
    /// the e register, ⌈log2 lanes⌉ tree levels, the accumulator and the output register.
    public var latency: Int { beatsPerSample + 6 + laneLevels }
    /// Cycles per sample in steady state with no stalls: pass 2 plus the handover.
    public var cyclesPerSample: Int { beatsPerSample + 5 + laneLevels }

    public func build(_ mb: ModuleBuilder) throws {
        let ws = scoreFormat.wordlength
        let scores = mb.input("scores", .sint(ws), count: lanes)
        let input = mb.port(Stream(), prefix: "in", as: .slave)
        let threshold = mb.input("threshold", .uint(thresholdFractionBits + 1))
        let output = mb.port(Stream(), prefix: "out", as: .master)
        let inValid = input.valid, outReady = output.ready

        let bankDepth = 1 << beatWidth
        let buffer = mb.memory("sample_buffer", .uint(ws * lanes), depth: 2 * bankDepth)
        let rom = mb.rom("exp_table", .uint(table.entryWidth), contents: table.entries)

        // Pass 1: accept beats, store them, and order each beat's scores.
        let tokenValid = mb.register("token_valid", .bool, reset: 0)
        let bankWrite = mb.register("bank_write", .bool, reset: 0)
        let writing = mb.register("writing", .bool, reset: 0)
        let bankBusy = [mb.register("bank0_busy", .bool, reset: 0), mb.register("bank1_busy", .bool, reset: 0)]
        let inBeat = mb.register("in_beat", .uint(beatWidth), reset: 0)
        let busyHere = mb.mux(bankWrite, bankBusy[1], bankBusy[0])
        // A beat moves when its bank is free and no finished sample waits for pass 2 (in the
        // token register, or one cycle away from it), so a finished sample is never overwritten.
        let completing = mb.wire("completing", .bool)
        let inReady = mb.wire("ready", !tokenValid & !completing & (writing | !busyHere))
        let accept = mb.wire("accept", inValid & inReady)
        let inLast = mb.wire("in_last", inBeat == beatsPerSample - 1)
        mb.when(accept) {
            mb.connect(inBeat, to: mb.mux(inLast, .constant(0, .uint(beatWidth)), (inBeat + 1).truncated(to: beatWidth)))
            mb.connect(writing, to: !inLast)
            mb.when(inLast) { mb.connect(bankWrite, to: !bankWrite) }
            mb.write(buffer, address: .concatenation([bankWrite, inBeat]), data: .concatenation(scores.reversed()))
        }

        let invalid = RankedScore(value: .constant(scoreFormat.minimum, .sint(ws)),
                                  index: .constant((1 << indexWidth) - 1, .uint(indexWidth)))
        let beatBase = (inBeat * lanes).resized(to: max(indexWidth, beatWidth + Int.bitWidth - lanes.leadingZeroBitCount))
        let candidates = (0..<lanes).map { lane -> RankedScore in
            let index = (beatBase + lane).truncated(to: indexWidth)
            let real = RankedScore(value: scores[lane], index: index)
            guard lane >= lanesInLastBeat else { return real }
            return RankedScore(value: mb.mux(inLast, invalid.value, real.value), index: mb.mux(inLast, invalid.index, real.index))
        }
        let beatTop = mb.selectInOrder(candidates, keep: sortedCount)
        let stagedTop = beatTop.enumerated().map { i, entry in
            RankedScore(value: mb.register("beat_value_\(i)", next: entry.value),
                        index: mb.register("beat_index_\(i)", next: entry.index))
        }
        let stagedValid = mb.register("beat_valid", next: accept, reset: 0)
        let stagedFirst = mb.register("beat_first", next: inBeat == 0)
        let stagedLast = mb.register("beat_last", next: inLast)
        let stagedBank = mb.register("beat_bank", next: bankWrite)

        // The running top-K of the sample, merged with each ordered beat.
        let running = (0..<sortedCount).map { i in
            RankedScore(value: mb.register("top_value_\(i)", .sint(ws)), index: mb.register("top_index_\(i)", .uint(indexWidth)))
        }
        let merged = mb.mergeInOrder(running, stagedTop, keep: sortedCount)
        // A beat has fewer than K candidates when lanes < K: the first beat fills the rest with `invalid`.
        let firstTop = (0..<sortedCount).map { i in i < stagedTop.count ? stagedTop[i] : invalid }
        let updated = (0..<sortedCount).map { i in
            RankedScore(value: mb.mux(stagedFirst, firstTop[i].value, merged[i].value),
                        index: mb.mux(stagedFirst, firstTop[i].index, merged[i].index))
        }
        let token = (0..<sortedCount).map { i in
            RankedScore(value: mb.register("token_value_\(i)", .sint(ws)), index: mb.register("token_index_\(i)", .uint(indexWidth)))
        }
        let tokenBank = mb.register("token_bank", .bool)
        let complete = mb.wire("sample_complete", stagedValid & stagedLast)
        mb.connect(completing, to: complete)
        mb.when(stagedValid) {
            for i in 0..<sortedCount {
                mb.connect(running[i].value, to: updated[i].value)
                mb.connect(running[i].index, to: updated[i].index)
            }
        }
        mb.when(complete) {
            for i in 0..<sortedCount {
                mb.connect(token[i].value, to: updated[i].value)
                mb.connect(token[i].index, to: updated[i].index)
            }
            mb.connect(tokenBank, to: stagedBank)
        }

        // Pass 2: read the sample back and sum e_i; meanwhile the next sample streams in.
        let busy = mb.register("pass2_busy", .bool, reset: 0)
        let reading = mb.register("pass2_reading", .bool, reset: 0)
        let outValid = mb.register("out_valid_q", .bool, reset: 0)
        let start = mb.wire("pass2_start", tokenValid & !busy & !outValid)
        let readBeat = mb.register("read_beat", .uint(beatWidth), reset: 0)
        let readBank = mb.register("read_bank", .bool)
        let zMax = mb.register("z_max", .sint(ws))
        let predicted = mb.register("predicted_q", .uint(indexWidth))
        let readLast = mb.wire("read_last", readBeat == beatsPerSample - 1)

        func exponential(of value: Signal, below maximum: Signal) -> Signal {
            let difference = (maximum - value).truncated(to: ws).asUInt
            // Scores coarser than the table's step (f_s < r) index it with an exact left shift.
            let shift = scoreFormat.fractionBits - table.resolutionBits
            let shifted = shift >= 0 ? difference.shiftedRight(by: shift, rounding: .halfUp) : difference.shiftedLeft(by: -shift)
            let index = shifted.width > table.indexWidth
                ? mb.mux(shifted > table.size - 1, .constant(table.size - 1, .uint(table.indexWidth)),
                         shifted.truncated(to: table.indexWidth))
                : shifted.resized(to: table.indexWidth)
            return rom.read(index)
        }
        let sumWidth = table.entryWidth + Int.bitWidth - sortedCount.leadingZeroBitCount
        let topExponentials = token.map { exponential(of: $0.value, below: token[0].value) }
        let topSum = mb.register("top_sum", .uint(sumWidth))
        let runnerUpSum = mb.register("runner_up_sum", .uint(sumWidth))
        func sum(_ values: ArraySlice<Signal>) -> Signal {
            values.reduce(Signal.constant(0, .uint(sumWidth))) { ($0 + $1).truncated(to: sumWidth) }
        }

        mb.when(complete) {
            mb.connect(tokenValid, to: .constant(1, .bool))
        } otherwise: {
            mb.when(start) { mb.connect(tokenValid, to: .constant(0, .bool)) }
        }
        mb.when(start) {
            mb.connect(busy, to: .constant(1, .bool))
            mb.connect(reading, to: .constant(1, .bool))
            mb.connect(readBeat, to: .constant(0, .uint(beatWidth)))
            mb.connect(readBank, to: tokenBank)
            mb.connect(zMax, to: token[0].value)
            mb.connect(predicted, to: token[0].index)
            mb.connect(topSum, to: sum(topExponentials[0..<m]))
            mb.connect(runnerUpSum, to: sum(topExponentials[m...]))
        } otherwise: {
            mb.when(reading) {
                mb.connect(readBeat, to: (readBeat + 1).truncated(to: beatWidth))
                mb.when(readLast) { mb.connect(reading, to: .constant(0, .bool)) }
            }
        }
        // A bank is busy from its first beat until pass 2 has read it.
        let firstAccept = accept & (inBeat == 0)
        let readDone = reading & readLast
        for b in 0..<2 {
            let isBank = b == 0 ? !bankWrite : bankWrite
            let isReadBank = b == 0 ? !readBank : readBank
            mb.when(firstAccept & isBank) {
                mb.connect(bankBusy[b], to: .constant(1, .bool))
            } otherwise: {
                mb.when(readDone & isReadBank) { mb.connect(bankBusy[b], to: .constant(0, .bool)) }
            }
        }

        let word = mb.register("buffer_word", next: buffer.read(.concatenation([readBank, readBeat])))
        let wordValid = mb.register("word_valid", next: reading, reset: 0)
        let wordFirst = mb.register("word_first", next: readBeat == 0)
        let wordLast = mb.register("word_last", next: readLast)
        let exponentials = (0..<lanes).map { lane -> Signal in
            let value = word.bits((lane + 1) * ws - 1, lane * ws).asSInt
            let e = exponential(of: value, below: zMax)
            let masked = lane < lanesInLastBeat ? e : mb.mux(wordLast, .constant(0, e.type), e)
            return mb.register("exp_\(lane)", next: masked)
        }
        let (beatSum, levels) = mb.adderTree(exponentials, name: "exp_tree")
        let sumValid = mb.delayed(wordValid, by: 1 + levels, name: "exp_valid", reset: 0)
        let sumFirst = mb.delayed(wordFirst, by: 1 + levels, name: "exp_first")
        let sumLast = mb.delayed(wordLast, by: 1 + levels, name: "exp_last")
        let total = mb.register("total", .uint(totalWidth))
        // A beat sums at most min(C, lanes) entries (padding lanes read zero), so the total
        // width bounds it even where the tree's exact width grows past it.
        let widened = beatSum.width > totalWidth ? beatSum.truncated(to: totalWidth) : beatSum.resized(to: totalWidth)
        mb.when(sumValid) {
            mb.connect(total, to: mb.mux(sumFirst, widened, (total + widened).truncated(to: totalWidth)))
        }
        let totalDone = mb.register("total_done", next: sumValid & sumLast, reset: 0)

        // The comparison, exact: (top − runner-up)·2^t ≥ threshold·total.
        let runnerUp = n == classes ? (total - topSum.resized(to: totalWidth)).truncated(to: totalWidth + 1)
                                    : runnerUpSum.resized(to: totalWidth).asSignedLossless
        let margin = (topSum.resized(to: totalWidth).asSignedLossless - runnerUp).shiftedLeft(by: thresholdFractionBits)
        let scaledTotal = threshold * total
        let outMargin = mb.register("margin_q", .sint(margin.width))
        let outTotal = mb.register("scaled_total_q", .uint(scaledTotal.width))
        let outConfident = mb.register("confident_q", .bool)
        let outPredicted = mb.register("predicted_out", .uint(indexWidth))
        mb.when(totalDone) {
            mb.connect(outValid, to: .constant(1, .bool))
            mb.connect(busy, to: .constant(0, .bool))
            mb.connect(outMargin, to: margin)
            mb.connect(outTotal, to: scaledTotal)
            mb.connect(outConfident, to: margin >= scaledTotal)
            mb.connect(outPredicted, to: predicted)
        } otherwise: {
            mb.when(outValid & outReady) { mb.connect(outValid, to: .constant(0, .bool)) }
        }

        mb.connect(input.ready, to: inReady)
        mb.connect(output.valid, to: outValid)
        mb.output("predicted", outPredicted)
        mb.output("confident", outConfident)
        mb.output("margin", outMargin)
        mb.output("scaled_total", outTotal)
    }
}
