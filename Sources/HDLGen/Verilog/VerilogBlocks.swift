extension VerilogWriter {
    /// Writes `text`, lines of Verilog nested by four spaces from column 0, at `indent`
    /// levels: fixed testbench code in the same indentation as the RTL.
    mutating func block(_ text: String, indent: Int) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { self.line(String(line), indent: indent) }
    }

    /// `module name (.port(net), …);` for a testbench's DUT: every port of `dut` connected to
    /// the testbench signal of the same name, one connection a line.
    mutating func dutInstance(_ dut: ElaboratedModule, named name: String = "dut") {
        instance(dut.name, named: name, connections: dut.ports.map { ".\($0.name)(\($0.name))" })
    }

    /// A signal of the testbench per port of `dut` other than the clock and reset: a `reg`
    /// starting at zero for an input, a `wire` for an output.
    mutating func dutSignals(_ dut: ElaboratedModule, indent: Int) {
        for port in dut.ports where port.name != "clk" && port.name != "rst" {
            let range = port.type.width == 1 ? "" : "[\(port.type.width - 1):0] "
            line(port.direction == .input ? "reg \(range)\(port.name) = \(port.type.width)'d0;" : "wire \(range)\(port.name);",
                 indent: indent)
        }
    }
}
