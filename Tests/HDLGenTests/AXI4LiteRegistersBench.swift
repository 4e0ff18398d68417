import FixedPoint
@testable import HDLGen

/// A seeded test of `AXI4LiteRegisters`: register reads and writes (from Swift), the golden
/// register file's answer to every read, and a Verilog testbench with an AXI4-Lite master
/// (random delays before AWVALID, WVALID and ARVALID, so AW comes before W, after it or with
/// it; random BREADY and RREADY stalls) and a register file behind the register port.
///
/// The master keeps one write and one read in flight and issues in order; it holds back a
/// write or read while the other channel works on the same register, as software does
/// that needs its order, so every read returns the last earlier write to its register.
struct LiteRegistersScenario {
    struct Timing {
        /// AWVALID, WVALID and ARVALID rise 0 … this many cycles after the operation starts.
        var maxValidDelay: Int
        /// Chance in percent that BREADY and RREADY are set in a cycle.
        var responseReadyPercent: Int
    }

    struct Operation {
        let write: Bool
        /// The word address; the byte address adds random low bits, which must be ignored.
        let address: Int
        let lowBits: Int
        let data: Int
        let strobe: Int
    }

    let unit: AXI4LiteRegisters
    let timing: Timing
    let seed: UInt64
    /// The register file before the first operation.
    let initial: [Int]
    let operations: [Operation]
    /// What each read returns, in order: the golden model.
    var expectedReads: [Int]

    var writes: Int { operations.count - expectedReads.count }
    /// Checks the testbench counts as passed: one per B response, one per read, and the
    /// count of `reg_write` pulses.
    var checks: Int { operations.count + 1 }

    /// `count` random operations, mostly on a few hot registers (0, the last, random ones)
    /// so that reads meet earlier writes; random data, low address bits and strobes.
    init(unit: AXI4LiteRegisters, timing: Timing, seed: UInt64, count: Int) {
        var random = SeededGenerator(seed: seed)
        self.unit = unit
        self.timing = timing
        self.seed = seed
        let depth = 1 << unit.addressWidth
        initial = (0..<depth).map { _ in Int(UInt32.random(in: .min ... .max, using: &random)) }
        let hot = [0, depth - 1] + (0..<4).map { _ in Int.random(in: 0..<depth, using: &random) }
        let corners = [0, 0xffff_ffff, 0x8000_0000, 0x7fff_ffff, 1]
        operations = (0..<count).map { _ in
            let address = Int.random(in: 0..<10, using: &random) < 7 ? hot.randomElement(using: &random)!
                                                                      : Int.random(in: 0..<depth, using: &random)
            let data = Int.random(in: 0..<8, using: &random) == 0 ? corners.randomElement(using: &random)!
                                                                  : Int(UInt32.random(in: .min ... .max, using: &random))
            return Operation(write: Bool.random(using: &random), address: address,
                             lowBits: Int.random(in: 0..<4, using: &random), data: data,
                             strobe: Int.random(in: 0..<16, using: &random))
        }
        var registers = initial
        var reads: [Int] = []
        for operation in operations {
            if operation.write { registers[operation.address] = operation.data } else { reads.append(registers[operation.address]) }
        }
        expectedReads = reads
    }

    var testbench: CustomTestbench {
        let r = unit.addressWidth
        func word(_ value: Int) -> String { Testbench.hex([value], elementWidth: 32) }
        let data = [
            SourceFile.hex("initial.hex", initial.map(word)),
            SourceFile.hex("op_write.hex", operations.map { $0.write ? "1" : "0" }),
            SourceFile.hex("op_address.hex", operations.map { Testbench.hex([$0.address], elementWidth: r) }),
            SourceFile.hex("op_low.hex", operations.map { String($0.lowBits) }),
            SourceFile.hex("op_data.hex", operations.map { word($0.data) }),
            SourceFile.hex("op_strobe.hex", operations.map { String($0.strobe, radix: 16) }),
            SourceFile.hex("expected_read.hex", expectedReads.isEmpty ? ["0"] : expectedReads.map(word)),
        ]
        let name = "tb_\(unit.name)"
        let verilog = """
            // \(name): \(unit.name) driven by an AXI4-Lite master, with a register file behind it.
            `timescale 1ns / 1ps
            `default_nettype none

            module \(name);
                localparam integer R = \(r);
                localparam integer DEPTH = \(1 << r);
                localparam integer OPS = \(operations.count);
                localparam integer READS = \(expectedReads.count);
                localparam integer WRITES = \(writes);
                localparam integer MAX_DELAY = \(timing.maxValidDelay);
                localparam integer READY_PERCENT = \(timing.responseReadyPercent);
                localparam integer TIMEOUT = \(operations.count * (timing.maxValidDelay + 6) * 100 / max(1, timing.responseReadyPercent) + 200);

                reg clk = 1'b0;
                reg rst = 1'b1;
                always #5 clk = ~clk;

                reg [R+1:0] s_axi_awaddr = {R+2{1'b0}}, s_axi_araddr = {R+2{1'b0}};
                reg s_axi_awvalid = 1'b0, s_axi_wvalid = 1'b0, s_axi_arvalid = 1'b0;
                reg s_axi_bready = 1'b0, s_axi_rready = 1'b0;
                reg [31:0] s_axi_wdata = 32'd0;
                reg [3:0] s_axi_wstrb = 4'd0;
                wire s_axi_awready, s_axi_wready, s_axi_bvalid, s_axi_arready, s_axi_rvalid;
                wire [1:0] s_axi_bresp, s_axi_rresp;
                wire [31:0] s_axi_rdata;
                wire reg_write;
                wire [R-1:0] reg_address;
                wire [31:0] reg_write_data;
                wire [31:0] reg_read_data;

                \(unit.name) dut (
                    .clk(clk), .rst(rst),
                    .s_axi_awaddr(s_axi_awaddr), .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready),
                    .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wvalid(s_axi_wvalid),
                    .s_axi_wready(s_axi_wready),
                    .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready),
                    .s_axi_araddr(s_axi_araddr), .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready),
                    .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp), .s_axi_rvalid(s_axi_rvalid),
                    .s_axi_rready(s_axi_rready),
                    .reg_write(reg_write), .reg_address(reg_address), .reg_write_data(reg_write_data),
                    .reg_read_data(reg_read_data)
                );

                reg [31:0] registers [0:DEPTH-1];
                reg [0:0] op_write [0:OPS-1];
                reg [R-1:0] op_address [0:OPS-1];
                reg [1:0] op_low [0:OPS-1];
                reg [31:0] op_data [0:OPS-1];
                reg [3:0] op_strobe [0:OPS-1];
                reg [31:0] expected_read [0:(READS > 0 ? READS : 1)-1];

                integer passed = 0;
                integer failed = 0;
                integer cycle = -1;          // cycles since reset ended
                integer seed = \((seed &* 5 &+ 3) & 0x7fff_ffff);
                initial begin
                    $readmemh("initial.hex", registers);
                    $readmemh("op_write.hex", op_write);
                    $readmemh("op_address.hex", op_address);
                    $readmemh("op_low.hex", op_low);
                    $readmemh("op_data.hex", op_data);
                    $readmemh("op_strobe.hex", op_strobe);
                    $readmemh("expected_read.hex", expected_read);
                    if ($test$plusargs("vcd")) begin
                        $dumpfile("\(name).vcd");
                        $dumpvars(0, \(name));
                    end
                    repeat (3) @(posedge clk);
                    rst <= 1'b0;
                end
                always @(posedge clk) if (!rst) cycle <= cycle + 1;

                // ---- The engine's register file: written on the pulse, read combinationally.
                integer pulses = 0;
                assign reg_read_data = registers[reg_address];
                always @(posedge clk) if (!rst && reg_write) begin
                    registers[reg_address] <= reg_write_data;
                    pulses = pulses + 1;
                end

                // ---- The master: one write and one read in flight, issued in order.
                integer next_op = 0, reads_done = 0;
                reg write_busy = 1'b0, read_busy = 1'b0;
                reg [R-1:0] write_address, read_address;
                integer aw_phase = 0, w_phase = 0, ar_phase = 0;   // 0 done, 1 waiting, 2 valid
                integer aw_wait = 0, w_wait = 0, ar_wait = 0;
                reg [R+1:0] aw_payload, ar_payload;
                reg [31:0] w_payload;
                reg [3:0] strobe_payload;
                reg was_bvalid = 1'b0, was_bready = 1'b0, was_rvalid = 1'b0, was_rready = 1'b0;
                reg [31:0] was_rdata;

                always @(posedge clk) if (!rst) begin
                    // A VALID without its READY must stay, with its payload, until the handshake.
                    if (was_bvalid && !was_bready && !s_axi_bvalid) begin
                        $display("cycle %0d: AXI violation: BVALID dropped before BREADY", cycle);
                        failed = failed + 1;
                    end
                    if (was_rvalid && !was_rready && (!s_axi_rvalid || s_axi_rdata !== was_rdata)) begin
                        $display("cycle %0d: AXI violation: R dropped or changed before RREADY", cycle);
                        failed = failed + 1;
                    end
                    was_bvalid <= s_axi_bvalid; was_bready <= s_axi_bready;
                    was_rvalid <= s_axi_rvalid; was_rready <= s_axi_rready; was_rdata <= s_axi_rdata;
                    if (s_axi_bvalid && s_axi_bready) begin
                        if (write_busy && aw_phase == 0 && w_phase == 0 && s_axi_bresp === 2'd0) passed = passed + 1;
                        else begin
                            $display("cycle %0d: B response (BRESP %0d) with no write whose AW and W were taken",
                                     cycle, s_axi_bresp);
                            failed = failed + 1;
                        end
                        write_busy = 1'b0;
                    end
                    if (s_axi_rvalid && s_axi_rready) begin
                        if (!read_busy || ar_phase != 0 || reads_done >= READS) begin
                            $display("cycle %0d: R response with no read whose AR was taken", cycle);
                            failed = failed + 1;
                        end else if (s_axi_rdata === expected_read[reads_done] && s_axi_rresp === 2'd0) begin
                            passed = passed + 1;
                        end else begin
                            $display("cycle %0d: read %0d of register %0d expected %h, got %h (RRESP %0d)", cycle,
                                     reads_done, read_address, expected_read[reads_done], s_axi_rdata, s_axi_rresp);
                            failed = failed + 1;
                        end
                        reads_done = reads_done + 1;
                        read_busy = 1'b0;
                    end
                    // Handshakes after the responses: a response in the cycle of its own
                    // AW, W or AR handshake is a violation.
                    if (s_axi_awvalid && s_axi_awready) aw_phase = 0;
                    if (s_axi_wvalid && s_axi_wready) w_phase = 0;
                    if (s_axi_arvalid && s_axi_arready) ar_phase = 0;
                    if (next_op < OPS) begin
                        if (op_write[next_op]) begin
                            if (!write_busy && !(read_busy && read_address == op_address[next_op])) begin
                                write_busy = 1'b1;
                                write_address = op_address[next_op];
                                aw_payload = {op_address[next_op], op_low[next_op]};
                                w_payload = op_data[next_op];
                                strobe_payload = op_strobe[next_op];
                                aw_phase = 1;
                                w_phase = 1;
                                aw_wait = ($random(seed) & 32'h7fffffff) % (MAX_DELAY + 1);
                                w_wait = ($random(seed) & 32'h7fffffff) % (MAX_DELAY + 1);
                                next_op = next_op + 1;
                            end
                        end else if (!read_busy && !(write_busy && write_address == op_address[next_op])) begin
                            read_busy = 1'b1;
                            read_address = op_address[next_op];
                            ar_payload = {op_address[next_op], op_low[next_op]};
                            ar_phase = 1;
                            ar_wait = ($random(seed) & 32'h7fffffff) % (MAX_DELAY + 1);
                            next_op = next_op + 1;
                        end
                    end
                    if (aw_phase == 1) begin if (aw_wait == 0) aw_phase = 2; else aw_wait = aw_wait - 1; end
                    if (w_phase == 1) begin if (w_wait == 0) w_phase = 2; else w_wait = w_wait - 1; end
                    if (ar_phase == 1) begin if (ar_wait == 0) ar_phase = 2; else ar_wait = ar_wait - 1; end
                    // Payloads are noise while VALID is low.
                    s_axi_awvalid <= aw_phase == 2;
                    s_axi_awaddr <= aw_phase == 2 ? aw_payload : $random(seed);
                    s_axi_wvalid <= w_phase == 2;
                    s_axi_wdata <= w_phase == 2 ? w_payload : $random(seed);
                    s_axi_wstrb <= w_phase == 2 ? strobe_payload : $random(seed);
                    s_axi_arvalid <= ar_phase == 2;
                    s_axi_araddr <= ar_phase == 2 ? ar_payload : $random(seed);
                    s_axi_bready <= (($random(seed) & 32'h7fffffff) % 100) < READY_PERCENT;
                    s_axi_rready <= (($random(seed) & 32'h7fffffff) % 100) < READY_PERCENT;
                end

                // ---- The end: every operation answered, a few quiet cycles for strays, then the verdict.
                integer finish_at = -1;
                always @(posedge clk) if (!rst) begin
                    if (finish_at < 0 && next_op == OPS && !write_busy && !read_busy) finish_at = cycle + 6;
                    if ((finish_at >= 0 && cycle == finish_at) || cycle == TIMEOUT) begin
                        if (cycle == TIMEOUT) begin
                            $display("timeout: %0d of %0d operations issued, %0d of %0d reads done",
                                     next_op, OPS, reads_done, READS);
                            failed = failed + 1;
                        end
                        if (pulses == WRITES) passed = passed + 1;
                        else begin
                            $display("reg_write pulsed %0d times for %0d writes", pulses, WRITES);
                            failed = failed + 1;
                        end
                        $display("%0d operations in %0d cycles", OPS, cycle);
                        $display("%0d passed, %0d failed", passed, failed);
                        $finish;
                    end
                end
            endmodule

            `default_nettype wire

            """
        return CustomTestbench(name: name, verilog: verilog, dataFiles: data)
    }
}
