/// Cycles of the MM engine on one GEMM, from its tiling on P PEs × K_t MACCs.
///
/// The engine takes one beat per cycle with no bubbles: for every output position m and
/// every tile of P output channels, a window of ⌈K/K_t⌉ beats (the last one zero-padded
/// when K_t does not divide K); the last tile of channels runs with idle PEs when P does
/// not divide N. The pipeline drains once per layer (`latency` cycles after the last beat).
public enum CycleModel {
    /// Windows (accumulations) the GEMM needs: groups · M · ⌈N/P⌉.
    public static func windows(_ gemm: GEMMShape, pes: Int) -> Int {
        gemm.groups * gemm.m * ceilDivide(gemm.n, pes)
    }

    /// Beats per window: ⌈K/K_t⌉.
    public static func beatsPerWindow(_ gemm: GEMMShape, maccs: Int) -> Int { ceilDivide(gemm.k, maccs) }

    /// Cycles from the first beat to the last window's sums.
    public static func cycles(_ gemm: GEMMShape, pes: Int, maccs: Int, latency: Int) -> Int {
        windows(gemm, pes: pes) * beatsPerWindow(gemm, maccs: maccs) + latency
    }
}

/// ⌈a / b⌉ for positive b.
@inline(__always)
func ceilDivide(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
