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

    /// The data files: the memory image, the host's 64-bit commands and, per expected line,
    /// its address, its data and a 32-bit tag saying what wrote it.
    static func dataFiles(memory: [String], commands: [UInt64],
                          expected: [(address: Int, hex: String, tag: Int)]) -> [SourceFile] {
        [SourceFile(name: "memory.hex", contents: memory.map { $0 + "\n" }.joined()),
         SourceFile(name: "program.hex", contents: commands.map { hex($0, digits: 16) + "\n" }.joined()),
         SourceFile(name: "expected_address.hex", contents: expected.map { hex(UInt64($0.address), digits: 8) + "\n" }.joined()),
         SourceFile(name: "expected_data.hex", contents: expected.map { $0.hex + "\n" }.joined()),
         SourceFile(name: "expected_tag.hex", contents: expected.map { hex(UInt64($0.tag), digits: 8) + "\n" }.joined())]
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The parameters (line width, sizes of the data files, memory timing, time-out) and the
    /// clock and reset.
    static func parameters(lineWidth: Int, memoryLines: Int, commands: Int, expected: Int,
                           timing: LayerEngineTestbench.MemoryTiming, timeoutCycles: Int) -> String {
        """
          localparam LINE = \(lineWidth);
          localparam DEPTH = \(max(1, memoryLines));
          localparam COMMANDS = \(commands);
          localparam PROGRAM = \(max(1, commands));
          localparam EXPECTED = \(max(1, expected));
          localparam CHECKS = \(expected);
          localparam LATENCY = \(max(1, timing.latency));
          localparam JITTER = \(max(0, timing.jitter));
          localparam STALL = \(max(0, min(99, timing.stallPercent)));
          localparam TIMEOUT = \(timeoutCycles);
          localparam QUEUE = 1024;

          reg clk = 1'b0;
          reg rst = 1'b1;
          always #5 clk = ~clk;
        """
    }

    /// The memory, the commands, the expected lines, and the cycle counter the memory models use.
    static let storage = """
          reg [LINE-1:0] memory [0:DEPTH-1];
          reg [63:0] commands [0:PROGRAM-1];
          reg [31:0] expected_address [0:EXPECTED-1];
          reg [LINE-1:0] expected_data [0:EXPECTED-1];
          reg [31:0] expected_tag [0:EXPECTED-1];

          reg [63:0] cycle = 64'd0;
          integer out_of_range = 0;
          always @(posedge clk) cycle <= cycle + 64'd1;
        """

    /// The start of the `initial` block: waves on `+vcd`, the data files, the counters
    /// `passed` and `failed`, and the reset released.
    static func start(name: String) -> String {
        """
            if ($test$plusargs("vcd")) begin
              $dumpfile("\(name).vcd");
              $dumpvars(0, \(name));
            end
            $readmemh("memory.hex", memory);
            if (COMMANDS > 0) $readmemh("program.hex", commands);
            if (CHECKS > 0) begin
              $readmemh("expected_address.hex", expected_address);
              $readmemh("expected_data.hex", expected_data);
              $readmemh("expected_tag.hex", expected_tag);
            end
            passed = 0;
            failed = 0;
            repeat (4) @(posedge clk);
            @(negedge clk) rst = 1'b0;
        """
    }

    /// Waits up to `TIMEOUT` cycles for `engine_done` (counted in `waited`), at `indent` spaces.
    static func awaitDone(indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        return ["waited = 0;", "while (!engine_done && waited < TIMEOUT) begin", "  @(posedge clk);",
                "  waited = waited + 1;", "end"].map { pad + $0 }.joined(separator: "\n")
    }

    /// The end of the `initial` block: every expected line compared with the memory (the
    /// first 20 mismatches shown by `mismatch`, a `$display` of line `i`), requests beyond
    /// the memory counted as failures, and `N passed, N failed`.
    static func finish(mismatch: String) -> String {
        """
            repeat (2) @(posedge clk);
            for (i = 0; i < CHECKS; i = i + 1) begin
              if (memory[expected_address[i]] === expected_data[i]) passed = passed + 1;
              else begin
                failed = failed + 1;
                if (failed <= 20) \(mismatch)
              end
            end
            failed = failed + out_of_range;
            $display("%0d passed, %0d failed", passed, failed);
            $finish;
          end
        endmodule

        """
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
