/// The Verilog of a testbench memory behind one request/response port (the layer engine's
/// protocol): accepted requests get their responses in order, `LATENCY` cycles later plus
/// up to `JITTER`, and the port refuses a request with a chance of `STALL` percent. The
/// testbench declares `LINE`, `DEPTH`, `QUEUE`, `LATENCY`, `JITTER`, `STALL`, `memory`,
/// `cycle` and `out_of_range`; several ports may share them. Names carry `prefix`.
struct MemoryPortModel {
    /// Prefix of the port's signals (`<prefix>mem_req_valid`, …) and of the model's names.
    var prefix: String
    var seed: Int

    /// The response queue and the `<prefix>respond` task, which queues the response to an
    /// accepted request for `line` (a write takes effect at once).
    var declarations: String {
        let p = prefix
        return """
            // Responses of the \(p.isEmpty ? "" : "\(p)")memory port wait in an in-order queue until their time comes.
            reg [LINE-1:0] \(p)queue_data [0:QUEUE-1];
            reg \(p)queue_write [0:QUEUE-1];
            reg [63:0] \(p)queue_time [0:QUEUE-1];
            integer \(p)head = 0, \(p)tail = 0;
            reg [63:0] \(p)last_time = 64'd0;
            reg [63:0] \(p)due;
            integer \(p)seed = \(seed);

            task \(p)respond(input write, input [63:0] line, input [LINE-1:0] data);
                begin
                    if (line >= DEPTH) begin
                        out_of_range = out_of_range + 1;
                        $display("memory: request for line %0d beyond the %0d lines at cycle %0d", line, DEPTH, cycle);
                    end
                    \(p)due = cycle + LATENCY - 1 + (JITTER > 0 ? $unsigned($random(\(p)seed)) % (JITTER + 1) : 0);
                    if (\(p)due <= \(p)last_time) \(p)due = \(p)last_time + 64'd1;
                    \(p)last_time = \(p)due;
                    \(p)queue_time[\(p)tail % QUEUE] = \(p)due;
                    \(p)queue_write[\(p)tail % QUEUE] = write;
                    if (write) begin
                        if (line < DEPTH) memory[line] <= data;
                    end else begin
                        \(p)queue_data[\(p)tail % QUEUE] = line < DEPTH ? memory[line] : {LINE{1'bx}};
                    end
                    \(p)tail = \(p)tail + 1;
                end
            endtask
            """
    }

    /// The process that serves the native port: readiness, requests, due responses.
    var nativeProcess: String {
        let p = prefix
        return """
            always @(posedge clk) begin
                \(p)mem_read_valid <= 1'b0;
                \(p)mem_write_done <= 1'b0;
                \(p)mem_req_ready <= ($unsigned($random(\(p)seed)) % 100) >= STALL;
                if (\(p)mem_req_valid && \(p)mem_req_ready) \(p)respond(\(p)mem_req_write, \(p)mem_req_address, \(p)mem_req_data);
                if (\(p)head != \(p)tail && \(p)queue_time[\(p)head % QUEUE] <= cycle) begin
                    if (\(p)queue_write[\(p)head % QUEUE]) \(p)mem_write_done <= 1'b1;
                    else begin
                        \(p)mem_read_valid <= 1'b1;
                        \(p)mem_read_data <= \(p)queue_data[\(p)head % QUEUE];
                    end
                    \(p)head = \(p)head + 1;
                end
            end
            """
    }

    /// The process that serves an AXI4 slave port (`<signalPrefix>araddr`, …; random AR/AW/W
    /// readiness, one write buffered per channel) whose line 0 is at byte `baseAddress`.
    func axiProcess(signalPrefix a: String, baseAddress: Int, lineWidth: Int) -> String {
        let p = prefix
        return """
            localparam \(p)BASE = \(baseAddress);
            reg \(p)aw_held = 1'b0, \(p)w_held = 1'b0;
            reg [63:0] \(p)aw_line;
            reg [LINE-1:0] \(p)w_line;
            always @(posedge clk) begin
                if (\(a)rvalid && \(a)rready) \(a)rvalid <= 1'b0;
                if (\(a)bvalid && \(a)bready) \(a)bvalid <= 1'b0;
                if (\(a)arvalid && \(a)arready) \(p)respond(1'b0, (\(a)araddr - \(p)BASE) >> \(ceilLog2(lineWidth / 8)), {LINE{1'b0}});
                if (\(a)awvalid && \(a)awready) begin
                    \(p)aw_held = 1'b1;
                    \(p)aw_line = (\(a)awaddr - \(p)BASE) >> \(ceilLog2(lineWidth / 8));
                end
                if (\(a)wvalid && \(a)wready) begin
                    \(p)w_held = 1'b1;
                    \(p)w_line = \(a)wdata;
                end
                if (\(p)aw_held && \(p)w_held) begin
                    \(p)respond(1'b1, \(p)aw_line, \(p)w_line);
                    \(p)aw_held = 1'b0;
                    \(p)w_held = 1'b0;
                end
                \(a)arready <= ($unsigned($random(\(p)seed)) % 100) >= STALL;
                \(a)awready <= !\(p)aw_held && ($unsigned($random(\(p)seed)) % 100) >= STALL;
                \(a)wready <= !\(p)w_held && ($unsigned($random(\(p)seed)) % 100) >= STALL;
                if (\(p)head != \(p)tail && \(p)queue_time[\(p)head % QUEUE] <= cycle) begin
                    if (\(p)queue_write[\(p)head % QUEUE]) begin
                        if (!\(a)bvalid || \(a)bready) begin
                            \(a)bvalid <= 1'b1;
                            \(p)head = \(p)head + 1;
                        end
                    end else if (!\(a)rvalid || \(a)rready) begin
                        \(a)rvalid <= 1'b1;
                        \(a)rdata <= \(p)queue_data[\(p)head % QUEUE];
                        \(a)rlast <= 1'b1;
                        \(p)head = \(p)head + 1;
                    end
                end
            end
            """
    }
}
