/// Where a PE's multipliers go on the FPGA. Each mapping is marked so that yosys 0.23 and
/// Vivado map it as meant: yosys reads no attribute on multipliers (its `use_dsp` is only the
/// adders' `simd`), so the structure decides there, and Vivado's `use_dsp` marks the rest.
public enum MultiplierMapping: String, Sendable, Hashable, CaseIterable {
    /// The `*` operator, one product each, unmarked as before: Vivado puts it in a DSP48,
    /// yosys too once the product has 9 bits or more (`DSP_Y_MINWIDTH`, so w ≥ 5).
    case dsp
    /// Two PEs share each DSP48: a[k]·(w1[k]·2^S + w0[k]) with S = 2w holds both products,
    /// recovered exactly (see `PackedProducts`). Marked `use_dsp = "yes"`; w ≤ 8.
    case packedDSP
    /// Shift-and-add of partial products (no `*`, so yosys cannot use a DSP), in LUTs and
    /// carry chains; marked `use_dsp = "no"` for Vivado.
    case lut

    /// PEs that one unit of this mapping computes: a packed unit is a pair.
    public var processingElements: Int { self == .packedDSP ? 2 : 1 }

    /// The wordlengths the mapping supports.
    public var wordlengths: ClosedRange<Int> { self == .packedDSP ? PackedProducts.wordlengths : 2...16 }
}

extension ModuleBuilder {
    /// The registered products a[k]·w[k] of each of `weights`' vectors (one per PE) against
    /// the shared activations `a`, built as `mapping` says; each product is SInt(2w).
    func products(_ a: [Signal], _ weights: [[Signal]], mapping: MultiplierMapping) -> [[Signal]] {
        switch mapping {
        case .dsp:
            return [a.indices.map { k in register("product_\(k)", next: a[k] * weights[0][k]) }]
        case .lut:
            return [a.indices.map { k in
                let product = register("product_\(k)", next: shiftAndAddProduct(a[k], weights[0][k]))
                attach(.useDSP(false), to: product)
                return product
            }]
        case .packedDSP:
            let pairs = a.indices.map { k in PackedProducts.build(a[k], weights[0][k], weights[1][k], lane: k, in: self) }
            return [pairs.map(\.low), pairs.map(\.high)]
        }
    }

    /// a·w as the sum of w's partial products, the sign bit's with weight −2^(w−1): exact.
    func shiftAndAddProduct(_ a: Signal, _ w: Signal) -> Signal {
        let width = a.width + w.width
        let zero = Signal.constant(0, .sint(width))
        var partials = (0..<w.width).map { i in mux(w.bit(i), a.shiftedLeft(by: i).resized(to: width), zero) }
        let sign = partials.removeLast()
        return (balancedSum(partials) - sign).truncated(to: width)
    }

    /// The sum of `values` as a balanced tree of exact adders, without registers.
    private func balancedSum(_ values: [Signal]) -> Signal {
        var level = values
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { i in
                i + 1 < level.count ? level[i] + level[i + 1] : level[i]
            }
        }
        return level[0]
    }
}
