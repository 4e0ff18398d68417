/// The rows of a sliding window (a convolution's or a pooling's): what decides which input
/// rows an output row reads, and so the rows a band of outputs needs.
public struct RowWindow: Codable, Hashable, Sendable {
    public var kernel: Int, stride: Int, dilation: Int, padTop: Int

    public init(kernel: Int, stride: Int = 1, dilation: Int = 1, padTop: Int = 0) {
        self.kernel = kernel; self.stride = stride; self.dilation = dilation; self.padTop = padTop
    }

    /// The first and one past the last input row that output row `row` reads (padding included).
    func rows(of row: Int) -> Range<Int> {
        let first = row * stride - padTop
        return first..<(first + (kernel - 1) * dilation + 1)
    }
}

/// A band of a layer's rows that the engine runs with one fill of its buffers: pooled output
/// rows, the convolution rows they pool and the input rows those read, each clipped to its
/// map. `padTop` and `poolPadTop` are the padding rows the band still sees above its first
/// row (only a band at the map's top border has any).
public struct RowBand: Hashable, Sendable {
    public var pooledRows: Range<Int>
    public var outputRows: Range<Int>
    public var inputRows: Range<Int>
    public var padTop: Int, poolPadTop: Int

    /// The band without its place in the map: bands of one shape run from one descriptor.
    var shape: [Int] { [pooledRows.count, outputRows.count, inputRows.count, padTop, poolPadTop] }
}

/// Bands of one shape, one after another, that one descriptor runs `count` times, moving
/// `inputAdvance` input rows and `outputAdvance` pooled rows on each time.
public struct BandRun: Hashable, Sendable {
    public var first: RowBand
    public var count: Int
    public var inputAdvance: Int, outputAdvance: Int
}

extension LayerGeometry {
    /// The band that computes pooled rows `rows`.
    public func band(pooledRows rows: Range<Int>) -> RowBand {
        // Clipped to the map (empty, not inverted, where a window sees only padding).
        func clipped(_ first: Int, _ end: Int, to size: Int) -> Range<Int> { max(0, first)..<max(max(0, first), min(size, end)) }
        let pooledFirst = poolingRows.rows(of: rows.lowerBound).lowerBound
        let output = clipped(pooledFirst, poolingRows.rows(of: rows.upperBound - 1).upperBound, to: outputHeight)
        let inputFirst = convolutionRows.rows(of: output.lowerBound).lowerBound
        let input = clipped(inputFirst, convolutionRows.rows(of: max(output.lowerBound, output.upperBound - 1)).upperBound,
                            to: inputHeight)
        return RowBand(pooledRows: rows, outputRows: output, inputRows: input,
                       padTop: input.lowerBound - inputFirst, poolPadTop: output.lowerBound - pooledFirst)
    }

    /// The bands of `rows` pooled rows each (the last may have fewer) that cover the layer.
    public func bands(pooledRowsPerBand rows: Int) -> [RowBand] {
        stride(from: 0, to: pooledHeight, by: rows).map { band(pooledRows: $0..<min(pooledHeight, $0 + rows)) }
    }

    /// The bands grouped into runs of one shape whose places advance by a constant step.
    public func bandRuns(pooledRowsPerBand rows: Int) -> [BandRun] {
        var runs: [BandRun] = []
        for band in bands(pooledRowsPerBand: rows) {
            if var run = runs.last, run.first.shape == band.shape {
                let inputAdvance = band.inputRows.lowerBound - run.first.inputRows.lowerBound
                let outputAdvance = band.pooledRows.lowerBound - run.first.pooledRows.lowerBound
                if run.count == 1 || (inputAdvance == run.count * run.inputAdvance && outputAdvance == run.count * run.outputAdvance) {
                    run.inputAdvance = inputAdvance / run.count; run.outputAdvance = outputAdvance / run.count
                    run.count += 1
                    runs[runs.count - 1] = run
                    continue
                }
            }
            runs.append(BandRun(first: band, count: 1, inputAdvance: 0, outputAdvance: 0))
        }
        return runs
    }

    /// The layer cut down to `band`: what the engine's buffers hold and its cycles count.
    public func restricted(to band: RowBand) -> LayerGeometry {
        var g = self
        g.inputHeight = band.inputRows.count
        g.outputHeight = band.outputRows.count
        g.pooledHeight = band.pooledRows.count
        g.padTop = band.padTop
        g.poolingRows.padTop = band.poolPadTop
        return g
    }

    /// Pooled rows per band (the whole map when it fits) whose every band fits the buffers:
    /// a chunk's input lines (the band's over `chunks`) within `activationDepth`, its
    /// output-buffer entries within `outputDepth` and,
    /// when the layer runs in several chunks, its P-wide partial sums within
    /// `partialSumDepth` (nil: no limit); nil when one row does not fit.
    /// Found by bisection: bands grow with their rows, so it is the most that fit, but for a
    /// border band of a few rows that can be larger than a longer one.
    public func pooledRowsPerBand(activationDepth: Int, outputDepth: Int, pes: Int, maccs: Int,
                                  chunks: Int = 1, partialSumDepth: Int? = nil) -> Int? {
        func fits(_ rows: Int) -> Bool {
            bands(pooledRowsPerBand: rows).allSatisfy { band in
                let g = restricted(to: band)
                let sums = chunks == 1 || partialSumDepth.map { g.partialSums(pes: pes) <= $0 } ?? true
                return g.inputLines(maccs: maccs) / chunks <= activationDepth
                    && g.outputEntries(pes: pes, maccs: maccs) <= outputDepth && sums
            }
        }
        guard fits(1) else { return nil }
        if fits(pooledHeight) { return pooledHeight }
        var (low, high) = (1, pooledHeight - 1)   // fits(low); the answer is in low...high
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(middle) { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
