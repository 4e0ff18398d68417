import FixedPoint
@testable import HDLGen

/// A seeded test of `AXI4MemoryMaster`: the engine's requests (from Swift), the golden
/// memory model's answer to every read, and a Verilog testbench with a behavioural AXI4
/// slave memory (random AWREADY/WREADY/ARREADY, random in-order B and R delays) and an
/// engine driver that checks each read against the model and counts write-done pulses.
///
/// Like the real engine, the driver holds a read back while a write to its line waits for
/// `mem_write_done`, and a write while a read of its line waits for its data; so reads
/// return what the last earlier write in request order stored, whatever the timing.
struct MemoryMasterScenario {
    struct Timing {
        /// Chance in percent that the slave's AWREADY, WREADY and ARREADY are set in a cycle.
        var readyPercent: Int
        /// B and R responses come 1 … 1 + this many cycles after the slave has the request.
        var maxResponseDelay: Int
        /// Chance in percent that the engine offers its next request in a cycle.
        var requestPercent: Int

        static let alwaysReady = Timing(readyPercent: 100, maxResponseDelay: 0, requestPercent: 100)
    }

    struct Request {
        let write: Bool
        let slot: Int
        let data: String
    }

    let unit: AXI4MemoryMaster
    let timing: Timing
    let seed: UInt64
    /// The line indices the requests use, one per slot: 0, the last line and random ones.
    let lines: [Int]
    /// Byte address of line 0.
    let base: Int
    /// Contents of each slot's line before the first request, as hex.
    let initial: [String]
    let requests: [Request]
    /// What each read returns, in request order: the golden model.
    var expectedReads: [String]
    /// When set, every response must be in within this many cycles of the first request.
    let cycleBound: Int?

    var writes: Int { requests.count - expectedReads.count }
    /// Checks the testbench counts as passed: one per read, one per write-done pulse, and
    /// the cycle bound.
    var checks: Int { requests.count + (cycleBound == nil ? 0 : 1) }

    /// `count` random requests over up to 16 lines. With `streaming`, writes and reads use
    /// disjoint lines, so the driver never holds a request back and, with an always-ready
    /// slave, `count` requests must finish within `count` + a few cycles.
    init(unit: AXI4MemoryMaster, timing: Timing, seed: UInt64, count: Int, streaming: Bool = false) {
        var random = SeededGenerator(seed: seed)
        self.unit = unit
        self.timing = timing
        self.seed = seed
        let lineCount = 1 << unit.addressWidth
        let slots = min(16, lineCount)
        var lines = slots == lineCount ? Array(0..<lineCount) : [0, lineCount - 1]
        while lines.count < slots {
            let line = Int.random(in: 0..<lineCount, using: &random)
            if !lines.contains(line) { lines.append(line) }
        }
        self.lines = lines
        // The highest base still fits the last line: alternate it with 0 and a random one.
        let highestBaseLine = (1 << (unit.axiAddressWidth - unit.sizeCode)) - lineCount
        let baseLine = [highestBaseLine, 0, Int.random(in: 0...highestBaseLine, using: &random)][Int(seed % 3)]
        base = baseLine << unit.sizeCode
        initial = (0..<slots).map { _ in randomHex(width: unit.dataWidth, using: &random) }
        var requests: [Request] = []
        for _ in 0..<count {
            let write = Bool.random(using: &random)
            let slot = streaming ? (write ? 0 : slots / 2) + Int.random(in: 0..<slots / 2, using: &random)
                                 : Int.random(in: 0..<slots, using: &random)
            requests.append(Request(write: write, slot: slot, data: write ? randomHex(width: unit.dataWidth, using: &random) : ""))
        }
        self.requests = requests
        var memory = initial
        var reads: [String] = []
        for request in requests {
            if request.write { memory[request.slot] = request.data } else { reads.append(memory[request.slot]) }
        }
        expectedReads = reads
        cycleBound = streaming && timing.readyPercent == 100 && timing.requestPercent == 100 ? count + 6 : nil
    }

    var testbench: CustomTestbench {
        let d = unit.dataWidth, a = unit.addressWidth, x = unit.axiAddressWidth
        let hexDigits = (x + 3) / 4
        func address(_ value: Int) -> String {
            String(String(repeating: "0", count: hexDigits) + String(value, radix: 16)).suffix(hexDigits).description
        }
        let data = [
            SourceFile.hex("lines.hex", lines.map { String($0, radix: 16) }),
            SourceFile.hex("slot_address.hex", lines.map { address(base + ($0 << unit.sizeCode)) }),
            SourceFile.hex("initial.hex", initial),
            SourceFile.hex("request_write.hex", requests.map { $0.write ? "1" : "0" }),
            SourceFile.hex("request_slot.hex", requests.map { String($0.slot, radix: 16) }),
            SourceFile.hex("request_data.hex", requests.map { $0.write ? $0.data : "0" }),
            SourceFile.hex("expected_read.hex", expectedReads.isEmpty ? ["0"] : expectedReads),
        ]
        let name = "tb_\(unit.name)"
        let verilog = """
            // \(name): \(unit.name) against a behavioural AXI4 slave memory and a checking engine.
            `timescale 1ns / 1ps
            `default_nettype none

            module \(name);
                localparam integer D = \(d);
                localparam integer A = \(a);
                localparam integer X = \(x);
                localparam integer SLOTS = \(lines.count);
                localparam integer REQUESTS = \(requests.count);
                localparam integer READS = \(expectedReads.count);
                localparam integer WRITES = \(writes);
                localparam integer READY_PERCENT = \(timing.readyPercent);
                localparam integer MAX_DELAY = \(timing.maxResponseDelay);
                localparam integer REQUEST_PERCENT = \(timing.requestPercent);
                localparam integer CYCLE_BOUND = \(cycleBound ?? 0);   // 0: no bound
                localparam integer TIMEOUT = \(requests.count * (timing.maxResponseDelay + 4) * 100 / max(1, timing.readyPercent) + 200);
                localparam [X-1:0] BASE = \(x)'h\(address(base));
                localparam [2:0] SIZE = 3'd\(unit.sizeCode);

                reg clk = 1'b0;
                reg rst = 1'b1;
                always #5 clk = ~clk;

                reg mem_req_valid = 1'b0;
                reg mem_req_write = 1'b0;
                reg [A-1:0] mem_req_address = {A{1'b0}};
                reg [D-1:0] mem_req_data = {D{1'b0}};
                wire mem_req_ready;
                wire mem_read_valid;
                wire [D-1:0] mem_read_data;
                wire mem_write_done;
                wire [X-1:0] m_axi_awaddr, m_axi_araddr;
                wire [7:0] m_axi_awlen, m_axi_arlen;
                wire [2:0] m_axi_awsize, m_axi_arsize, m_axi_awprot, m_axi_arprot;
                wire [1:0] m_axi_awburst, m_axi_arburst;
                wire [3:0] m_axi_awcache, m_axi_arcache;
                wire m_axi_awvalid, m_axi_wvalid, m_axi_wlast, m_axi_bready, m_axi_arvalid, m_axi_rready;
                wire [D-1:0] m_axi_wdata;
                wire [D/8-1:0] m_axi_wstrb;
                reg m_axi_awready = 1'b0, m_axi_wready = 1'b0, m_axi_arready = 1'b0;
                reg m_axi_bvalid = 1'b0, m_axi_rvalid = 1'b0, m_axi_rlast = 1'b0;
                reg [1:0] m_axi_bresp = 2'd0, m_axi_rresp = 2'd0;
                reg [D-1:0] m_axi_rdata = {D{1'b0}};

                \(unit.name) dut (
                    .clk(clk), .rst(rst),
                    .mem_req_valid(mem_req_valid), .mem_req_write(mem_req_write),
                    .mem_req_address(mem_req_address), .mem_req_data(mem_req_data), .mem_req_ready(mem_req_ready),
                    .mem_read_valid(mem_read_valid), .mem_read_data(mem_read_data), .mem_write_done(mem_write_done),
                    .base_address(BASE),
                    .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen), .m_axi_awsize(m_axi_awsize),
                    .m_axi_awburst(m_axi_awburst), .m_axi_awcache(m_axi_awcache), .m_axi_awprot(m_axi_awprot),
                    .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
                    .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
                    .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
                    .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready),
                    .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen), .m_axi_arsize(m_axi_arsize),
                    .m_axi_arburst(m_axi_arburst), .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot),
                    .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
                    .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast),
                    .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready)
                );

                reg [A-1:0] lines [0:SLOTS-1];
                reg [X-1:0] slot_address [0:SLOTS-1];
                reg [D-1:0] memory [0:SLOTS-1];
                reg [0:0] request_write [0:REQUESTS-1];
                reg [7:0] request_slot [0:REQUESTS-1];
                reg [D-1:0] request_data [0:REQUESTS-1];
                reg [D-1:0] expected_read [0:(READS > 0 ? READS : 1)-1];

                integer passed = 0;
                integer failed = 0;
                integer cycle = -1;          // cycles since reset ended
                integer engine_seed = \((seed &* 2 &+ 1) & 0x7fff_ffff);
                integer slave_seed = \((seed &* 3 &+ 7) & 0x7fff_ffff);
                initial begin
                    $readmemh("lines.hex", lines);
                    $readmemh("slot_address.hex", slot_address);
                    $readmemh("initial.hex", memory);
                    $readmemh("request_write.hex", request_write);
                    $readmemh("request_slot.hex", request_slot);
                    $readmemh("request_data.hex", request_data);
                    $readmemh("expected_read.hex", expected_read);
                    if ($test$plusargs("vcd")) begin
                        $dumpfile("\(name).vcd");
                        $dumpvars(0, \(name));
                    end
                    repeat (3) @(posedge clk);
                    rst <= 1'b0;
                end
                always @(posedge clk) if (!rst) cycle <= cycle + 1;

                // ---- The engine: issues the requests in order, checks reads, counts writes.
                integer next_request = 0;
                integer pending_writes [0:SLOTS-1];
                integer pending_reads [0:SLOTS-1];
                integer write_slot [0:REQUESTS-1];
                integer read_slot [0:REQUESTS-1];
                integer writes_issued = 0, writes_done = 0, reads_issued = 0, reads_done = 0;
                integer first_accept = -1, last_response = -1;
                integer slot, k;
                initial for (k = 0; k < SLOTS; k = k + 1) begin
                    pending_writes[k] = 0;
                    pending_reads[k] = 0;
                end

                always @(posedge clk) if (!rst) begin
                    if (mem_req_valid && mem_req_ready) begin
                        slot = request_slot[next_request];
                        if (first_accept < 0) first_accept = cycle;
                        if (request_write[next_request]) begin
                            pending_writes[slot] = pending_writes[slot] + 1;
                            write_slot[writes_issued] = slot;
                            writes_issued = writes_issued + 1;
                        end else begin
                            pending_reads[slot] = pending_reads[slot] + 1;
                            read_slot[reads_issued] = slot;
                            reads_issued = reads_issued + 1;
                        end
                        next_request = next_request + 1;
                    end
                    if (mem_write_done) begin
                        last_response = cycle;
                        if (writes_done < writes_issued) begin
                            pending_writes[write_slot[writes_done]] = pending_writes[write_slot[writes_done]] - 1;
                            writes_done = writes_done + 1;
                            passed = passed + 1;
                        end else begin
                            $display("cycle %0d: mem_write_done with no write outstanding", cycle);
                            failed = failed + 1;
                        end
                    end
                    if (mem_read_valid) begin
                        last_response = cycle;
                        if (reads_done < reads_issued) begin
                            if (mem_read_data === expected_read[reads_done]) passed = passed + 1;
                            else begin
                                $display("cycle %0d: read %0d of line %0h expected %h, got %h", cycle, reads_done,
                                         lines[read_slot[reads_done]], expected_read[reads_done], mem_read_data);
                                failed = failed + 1;
                            end
                            pending_reads[read_slot[reads_done]] = pending_reads[read_slot[reads_done]] - 1;
                            reads_done = reads_done + 1;
                        end else begin
                            $display("cycle %0d: mem_read_valid with no read outstanding", cycle);
                            failed = failed + 1;
                        end
                    end
                    // Hold an offered request until it moves; then maybe offer the next one.
                    if (!mem_req_valid || mem_req_ready) begin
                        mem_req_valid <= 1'b0;
                        if (next_request < REQUESTS && (($random(engine_seed) & 32'h7fffffff) % 100) < REQUEST_PERCENT) begin
                            slot = request_slot[next_request];
                            if (request_write[next_request] ? pending_reads[slot] == 0 : pending_writes[slot] == 0) begin
                                mem_req_valid <= 1'b1;
                                mem_req_write <= request_write[next_request];
                                mem_req_address <= lines[slot];
                                mem_req_data <= request_write[next_request] ? request_data[next_request] : {D{1'b0}};
                            end
                        end
                    end
                end

                // ---- The slave memory: in-order responses, random stalls and delays.
                reg [X-1:0] aw_queue [0:REQUESTS-1];
                reg [D-1:0] w_queue [0:REQUESTS-1];
                integer b_due [0:REQUESTS-1];
                reg [D-1:0] r_queue [0:REQUESTS-1];
                integer r_due [0:REQUESTS-1];
                integer aw_in = 0, w_in = 0, b_in = 0, b_out = 0, r_in = 0, r_out = 0;
                integer last_b_due = 0, last_r_due = 0, found;
                reg was_awvalid = 1'b0, was_awready = 1'b0, was_wvalid = 1'b0, was_wready = 1'b0;
                reg was_arvalid = 1'b0, was_arready = 1'b0;
                reg [X-1:0] was_awaddr, was_araddr;
                reg [D-1:0] was_wdata;

                function integer slot_of(input [X-1:0] address);
                    integer s;
                    begin
                        slot_of = -1;
                        for (s = 0; s < SLOTS; s = s + 1) if (slot_address[s] == address) slot_of = s;
                    end
                endfunction

                task violation(input [8*40-1:0] what);
                    begin
                        $display("cycle %0d: AXI violation: %0s", cycle, what);
                        failed = failed + 1;
                    end
                endtask

                always @(posedge clk) if (!rst) begin
                    // A VALID without its READY must stay, with its payload, until the handshake.
                    if (was_awvalid && !was_awready && (!m_axi_awvalid || m_axi_awaddr !== was_awaddr))
                        violation("AW dropped or changed before AWREADY");
                    if (was_wvalid && !was_wready && (!m_axi_wvalid || m_axi_wdata !== was_wdata))
                        violation("W dropped or changed before WREADY");
                    if (was_arvalid && !was_arready && (!m_axi_arvalid || m_axi_araddr !== was_araddr))
                        violation("AR dropped or changed before ARREADY");
                    was_awvalid <= m_axi_awvalid; was_awready <= m_axi_awready; was_awaddr <= m_axi_awaddr;
                    was_wvalid <= m_axi_wvalid; was_wready <= m_axi_wready; was_wdata <= m_axi_wdata;
                    was_arvalid <= m_axi_arvalid; was_arready <= m_axi_arready; was_araddr <= m_axi_araddr;
                    if (m_axi_bready !== 1'b1 || m_axi_rready !== 1'b1) violation("BREADY or RREADY not 1");

                    if (m_axi_awvalid && m_axi_awready) begin
                        if (m_axi_awlen !== 8'd0 || m_axi_awsize !== SIZE || m_axi_awburst !== 2'd1
                            || m_axi_awcache !== 4'd3 || m_axi_awprot !== 3'd0)
                            violation("AW not a single INCR beat of a line");
                        if (slot_of(m_axi_awaddr) < 0) begin
                            $display("cycle %0d: AWADDR %h is no line the engine asked for", cycle, m_axi_awaddr);
                            failed = failed + 1;
                        end
                        aw_queue[aw_in] = m_axi_awaddr;
                        aw_in = aw_in + 1;
                    end
                    if (m_axi_wvalid && m_axi_wready) begin
                        if (m_axi_wstrb !== {D/8{1'b1}} || m_axi_wlast !== 1'b1) violation("W not one full last beat");
                        w_queue[w_in] = m_axi_wdata;
                        w_in = w_in + 1;
                    end
                    // A write lands once its address and data are both in; B follows in order.
                    if (b_in < aw_in && b_in < w_in) begin
                        found = slot_of(aw_queue[b_in]);
                        if (found >= 0) memory[found] = w_queue[b_in];
                        last_b_due = cycle + 1 + ($random(slave_seed) & 32'h7fffffff) % (MAX_DELAY + 1);
                        if (b_in > 0 && last_b_due < b_due[b_in - 1]) last_b_due = b_due[b_in - 1];
                        b_due[b_in] = last_b_due;
                        b_in = b_in + 1;
                    end
                    if (m_axi_arvalid && m_axi_arready) begin
                        if (m_axi_arlen !== 8'd0 || m_axi_arsize !== SIZE || m_axi_arburst !== 2'd1
                            || m_axi_arcache !== 4'd3 || m_axi_arprot !== 3'd0)
                            violation("AR not a single INCR beat of a line");
                        found = slot_of(m_axi_araddr);
                        if (found < 0) begin
                            $display("cycle %0d: ARADDR %h is no line the engine asked for", cycle, m_axi_araddr);
                            failed = failed + 1;
                            r_queue[r_in] = {D{1'bx}};
                        end else r_queue[r_in] = memory[found];
                        last_r_due = cycle + 1 + ($random(slave_seed) & 32'h7fffffff) % (MAX_DELAY + 1);
                        if (r_in > 0 && last_r_due < r_due[r_in - 1]) last_r_due = r_due[r_in - 1];
                        r_due[r_in] = last_r_due;
                        r_in = r_in + 1;
                    end
                    if (m_axi_bvalid && m_axi_bready) b_out = b_out + 1;
                    if (m_axi_rvalid && m_axi_rready) r_out = r_out + 1;
                    m_axi_bvalid <= b_out < b_in && b_due[b_out] <= cycle;
                    m_axi_rvalid <= r_out < r_in && r_due[r_out] <= cycle;
                    m_axi_rdata <= r_out < r_in && r_due[r_out] <= cycle ? r_queue[r_out] : {D{1'b0}};
                    m_axi_rlast <= r_out < r_in && r_due[r_out] <= cycle;
                    m_axi_awready <= (($random(slave_seed) & 32'h7fffffff) % 100) < READY_PERCENT;
                    m_axi_wready <= (($random(slave_seed) & 32'h7fffffff) % 100) < READY_PERCENT;
                    m_axi_arready <= (($random(slave_seed) & 32'h7fffffff) % 100) < READY_PERCENT;
                end

                // ---- The end: every response in, a few quiet cycles for strays, then the verdict.
                integer finish_at = -1;
                always @(posedge clk) if (!rst) begin
                    if (finish_at < 0 && next_request == REQUESTS && writes_done == WRITES && reads_done == READS)
                        finish_at = cycle + 8;
                    if ((finish_at >= 0 && cycle == finish_at) || cycle == TIMEOUT) begin
                        if (cycle == TIMEOUT) begin
                            $display("timeout: %0d of %0d requests taken, %0d of %0d reads and %0d of %0d writes done",
                                     next_request, REQUESTS, reads_done, READS, writes_done, WRITES);
                            failed = failed + (READS - reads_done) + (WRITES - writes_done);
                        end
                        $display("%0d requests: first taken in cycle %0d, last response in cycle %0d",
                                 REQUESTS, first_accept, last_response);
                        if (CYCLE_BOUND > 0) begin
                            if (last_response - first_accept + 1 <= CYCLE_BOUND) passed = passed + 1;
                            else begin
                                $display("throughput: %0d cycles for %0d requests, bound %0d",
                                         last_response - first_accept + 1, REQUESTS, CYCLE_BOUND);
                                failed = failed + 1;
                            end
                        end
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
