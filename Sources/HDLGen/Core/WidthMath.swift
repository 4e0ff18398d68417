// Width arithmetic of the DSL: how many bits a count, an address or a limit needs.

/// ⌈log2 n⌉ for n ≥ 1.
public func ceilLog2(_ n: Int) -> Int { n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount }
/// Bits of an unsigned value up to `n`.
func bitsToHold(_ n: Int) -> Int { max(1, Int.bitWidth - n.leadingZeroBitCount) }
/// The smallest power of two ≥ n.
public func nextPowerOfTwo(_ n: Int) -> Int { 1 << ceilLog2(n) }
