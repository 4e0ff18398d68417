/// Verilog the system testbenches (`LayerEngineTestbench`, `CascadeTestbench`) share.
enum SystemTestbench {
    /// The DUT's ports as testbench signals (inputs driven, outputs read), a wire
    /// `engine_done` following `doneSignal`, and the instance `dut`.
    static func instance(of dut: any Module, doneSignal: String) -> String {
        let ports = (try? Circuit(dut))?.top.ports ?? []
        var lines: [String] = []
        for port in ports where port.name != "clk" && port.name != "rst" {
            let range = port.type.width == 1 ? "" : "[\(port.type.width - 1):0] "
            lines.append(port.direction == .input ? "reg \(range)\(port.name) = \(port.type.width)'d0;" : "wire \(range)\(port.name);")
        }
        let connections = (["clk", "rst"] + ports.map(\.name).filter { $0 != "clk" && $0 != "rst" })
            .map { ".\($0)(\($0))" }.joined(separator: ", ")
        lines.append("wire engine_done = \(doneSignal);")
        lines.append("\(dut.name) dut (\(connections));")
        return lines.map { "  " + $0 }.joined(separator: "\n")
    }

    /// `write_register` and `read_register` on a native register port (`reg_write`,
    /// `reg_address`, `reg_write_data`, `reg_read_data`), for the testbench's host.
    static func registerTasks(addressWidth: Int) -> String {
        return """
                  task write_register(input [\(addressWidth - 1):0] address, input [31:0] value);
                    begin
                      @(negedge clk);
                      reg_write = 1'b1;
                      reg_address = address;
                      reg_write_data = value;
                      @(negedge clk);
                      reg_write = 1'b0;
                    end
                  endtask

                  task read_register(input [\(addressWidth - 1):0] address, output [31:0] value);
                    begin
                      @(negedge clk);
                      reg_address = address;
                      #1 value = reg_read_data;
                    end
                  endtask
                """
    }

    /// `write_register` and `read_register` as an AXI4-Lite master on `s_axi_*` (valid
    /// raised at a falling edge, the handshake at the next rising edge).
    static func axiRegisterTasks(addressWidth: Int) -> String {
        return """
                  reg aw_pending, w_pending, aw_fire, w_fire;
                  task write_register(input [\(addressWidth - 1):0] address, input [31:0] value);
                    begin
                      @(negedge clk);
                      s_axi_awaddr = {address, 2'b00};
                      s_axi_awvalid = 1'b1;
                      s_axi_wdata = value;
                      s_axi_wstrb = 4'hf;
                      s_axi_wvalid = 1'b1;
                      s_axi_bready = 1'b1;
                      aw_pending = 1'b1;
                      w_pending = 1'b1;
                      while (aw_pending || w_pending) begin
                        #1 aw_fire = aw_pending && s_axi_awready;
                        w_fire = w_pending && s_axi_wready;
                        @(negedge clk);
                        if (aw_fire) begin s_axi_awvalid = 1'b0; aw_pending = 1'b0; end
                        if (w_fire) begin s_axi_wvalid = 1'b0; w_pending = 1'b0; end
                      end
                      #1 while (!s_axi_bvalid) begin @(negedge clk); #1; end
                      @(negedge clk);
                      s_axi_bready = 1'b0;
                    end
                  endtask

                  task read_register(input [\(addressWidth - 1):0] address, output [31:0] value);
                    begin
                      @(negedge clk);
                      s_axi_araddr = {address, 2'b00};
                      s_axi_arvalid = 1'b1;
                      #1 while (!s_axi_arready) begin @(negedge clk); #1; end
                      @(negedge clk);
                      s_axi_arvalid = 1'b0;
                      s_axi_rready = 1'b1;
                      #1 while (!s_axi_rvalid) begin @(negedge clk); #1; end
                      value = s_axi_rdata;
                      @(negedge clk);
                      s_axi_rready = 1'b0;
                    end
                  endtask
                """
    }
}
