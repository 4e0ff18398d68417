/// Verilog the system testbenches (`LayerEngineTestbench`, `CascadeTestbench`) share.
enum SystemTestbench {
    /// The testbench's opening: a comment, `default_nettype none`, the module line, the
    /// parameters, the clock and reset, one signal per DUT port, `engine_done` following
    /// `doneSignal`, the DUT instance, and the shared storage.
    static func open(_ out: inout VerilogWriter, name: String, dut: ElaboratedModule, comment: [String],
                     parameters: Parameters, doneSignal: String) {
        for line in comment { out.line("// \(Quoting.comment(line))") }
        out.line("`timescale 1ns / 1ps")
        out.line("`default_nettype none")
        out.line()
        out.line("module \(name);")
        out.block(parameters.declarations, indent: 1)
        out.line()
        out.line("reg clk = 1'b0;", indent: 1)
        out.line("reg rst = 1'b1;", indent: 1)
        out.line("always #5 clk = ~clk;", indent: 1)
        out.line()
        out.dutSignals(dut, indent: 1)
        out.line("wire engine_done = \(doneSignal);", indent: 1)
        out.line()
        out.dutInstance(dut)
        out.line()
        out.block(storage, indent: 1)
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

    /// The testbench's parameters: line width, sizes of the data files, memory timing, time-out.
    struct Parameters {
        var lineWidth: Int, memoryLines: Int, commands: Int, expected: Int
        var timing: LayerEngineTestbench.MemoryTiming
        var timeoutCycles: Int

        var declarations: String {
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
            """
        }
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

    /// Waits up to `TIMEOUT` cycles for `engine_done`, counted in `waited`: the rising edges
    /// from the start write's return to the one done rises at, each sampled 1 ns after the edge
    /// (when every register has taken its new value, whatever the simulator's event order).
    static let awaitDone = """
        waited = 0;
        while (!engine_done && waited < TIMEOUT) begin
            @(posedge clk);
            #1 waited = waited + 1;
        end
        """

    /// The end of the `initial` block and of the module: every expected line compared with
    /// the memory (the first 20 mismatches shown by `mismatch`, statements reporting line
    /// `i`), requests beyond the memory counted as failures, and `N passed, N failed`.
    static func finish(_ out: inout VerilogWriter, mismatch: String) {
        out.block("""
            repeat (2) @(posedge clk);
            for (i = 0; i < CHECKS; i = i + 1) begin
                if (memory[expected_address[i]] === expected_data[i]) passed = passed + 1;
                else begin
                    failed = failed + 1;
                    if (failed <= 20) begin
            """, indent: 2)
        out.block(mismatch, indent: 6)
        out.block("""
                    end
                end
            end
            failed = failed + out_of_range;
            $display("%0d passed, %0d failed", passed, failed);
            $finish;
            """, indent: 2)
        out.line("end", indent: 1)
        out.line("endmodule")
        out.line()
        out.line("`default_nettype wire")
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
