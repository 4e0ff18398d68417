/// The matrix multiplication that a CONV or FC layer becomes on the hardware, once per
/// group: `Y[M×N] = A[M×K] · B[K×N]`.
///
/// This is the one definition of the mapping, used by inference, by the performance model
/// and by the engines:
/// - `A` holds activations. For a convolution, row `m = oy·W_out + ox` is an output position
///   and column `k = (c·kh + i)·kw + j` is input channel `c` of the group, kernel row `i` and
///   kernel column `j` (the im2col order), so `A[m][k] = x[g·C_g + c][oy·s_y − p_top + i·d_y]
///   [ox·s_x − p_left + j·d_x]`, zero where that falls in the padding. For a fully connected
///   layer `M = 1` per image (a batch stacks images as rows) and `k` is the input feature in
///   C order.
/// - `B[k][n]` is the weight of output channel `g·N + n` at `k`; the weight tensor
///   `[C_out][C_in/groups][kh][kw]` (or `[N][K]` for FC) is `Bᵀ` row by row.
/// - `Y[m][n]` is output channel `g·N + n` at position `m` (NCHW order after the GEMM).
public struct GEMMShape: Hashable, Sendable, CustomStringConvertible {
    /// Rows of `A` and `Y` per image: output positions (CONV) or 1 (FC).
    public var m: Int
    /// Columns of `B` and `Y`: output channels per group.
    public var n: Int
    /// The reduction length: input channels per group × kernel area, or input features.
    public var k: Int
    /// Independent GEMMs of this shape (convolution groups).
    public var groups: Int

    public init(m: Int, n: Int, k: Int, groups: Int = 1) {
        self.m = m; self.n = n; self.k = k; self.groups = groups
    }

    /// Multiply-accumulates per image.
    public var maccs: Int { groups * m * n * k }

    public var description: String {
        groups == 1 ? "M=\(m) N=\(n) K=\(k)" : "\(groups)× M=\(m) N=\(n) K=\(k)"
    }
}
