/// A system testbench for the `LayerEngine`: a memory model preloaded with `$readmemh`
/// (random request stalls, a fixed latency plus random jitter, responses in order), a host
/// that programs the register file and starts each run, and a final comparison of every
/// expected line with the memory. It prints each run's and each layer's cycles, every
/// mismatching line with its run and layer, and `N passed, N failed`.
public struct LayerEngineTestbench: TestbenchSource {
    /// A line the memory must hold at the end, and the run and layer that wrote it.
    public struct ExpectedLine: Sendable {
        public var address: Int
        public var hex: String
        public var run: Int
        public var layer: Int

        public init(address: Int, hex: String, run: Int, layer: Int) {
            self.address = address; self.hex = hex; self.run = run; self.layer = layer
        }
    }

    /// How the memory model behaves.
    public struct MemoryTiming: Sendable {
        /// Cycles from a request's cycle to its response's, at least (1: the next cycle).
        public var latency: Int
        /// Extra cycles, drawn per request from 0 … jitter (responses stay in order).
        public var jitter: Int
        /// The chance in percent that the memory refuses a request in a cycle.
        public var stallPercent: Int
        public var seed: Int

        public init(latency: Int = 2, jitter: Int = 0, stallPercent: Int = 0, seed: Int = 1) {
            self.latency = latency; self.jitter = jitter; self.stallPercent = stallPercent; self.seed = seed
        }
    }

    /// How the testbench reaches the engine.
    public enum Interface: Sendable {
        /// The engine's own memory and register ports.
        case native
        /// `LayerEngineAXI`: an AXI4 slave memory whose line 0 is at byte `baseAddress`, and
        /// an AXI4-Lite host that programs the registers (and `base_address` first).
        case axi(baseAddress: Int)
    }

    public let engine: LayerEngine
    public let interface: Interface
    /// The initial memory, one hexadecimal line per address.
    public let memory: [String]
    /// Per run, the descriptors of its layers.
    public let runs: [[LayerDescriptor]]
    public let expected: [ExpectedLine]
    public let timing: MemoryTiming
    /// Cycles a run may take before the testbench gives up on it.
    public let timeoutCycles: Int

    public init(engine: LayerEngine, interface: Interface = .native, memory: [String], runs: [[LayerDescriptor]],
                expected: [ExpectedLine], timing: MemoryTiming = .init(), timeoutCycles: Int = 10_000_000) {
        self.engine = engine; self.interface = interface; self.memory = memory; self.runs = runs; self.expected = expected
        self.timing = timing; self.timeoutCycles = timeoutCycles
    }

    /// The module under test: the engine, or its AXI wrapper.
    public var dut: any Module {
        if case .axi = interface { return LayerEngineAXI(engine: engine) }
        return engine
    }

    public var name: String { "tb_\(dut.name)" }
    public var summary: String { "\(runs.count) run(s), \(expected.count) output lines checked" }

    /// Host commands, 64 bits each: op (1 write a register, 2 start and wait, 0 end) in bits
    /// 63…60, register address in 59…32, data in 31…0.
    var program: [UInt64] {
        var commands: [UInt64] = []
        func write(_ address: Int, _ value: Int) {
            commands.append(1 << 60 | UInt64(address) << 32 | UInt64(UInt32(truncatingIfNeeded: value)))
        }
        if case .axi(let base) = interface { write(EngineRegister.baseAddress, base) }
        for layers in runs {
            for (l, descriptor) in layers.enumerated() {
                for field in DescriptorField.allCases {
                    write(engine.descriptorBase + l * EngineRegister.descriptorStride + field.index, descriptor[field])
                }
            }
            write(EngineRegister.layerCount, layers.count)
            commands.append(2 << 60 | UInt64(layers.count))
        }
        commands.append(0)
        return commands
    }

    public func files() -> [SourceFile] {
        let memoryText = memory.map { $0 + "\n" }.joined()
        let programText = program.map { hex($0, digits: 16) + "\n" }.joined()
        let addressText = expected.map { hex(UInt64($0.address), digits: 8) + "\n" }.joined()
        let dataText = expected.map { $0.hex + "\n" }.joined()
        let tagText = expected.map { hex(UInt64($0.run) << 16 | UInt64($0.layer), digits: 8) + "\n" }.joined()
        return [SourceFile(name: "\(name).v", contents: verilog),
                SourceFile(name: "memory.hex", contents: memoryText),
                SourceFile(name: "program.hex", contents: programText),
                SourceFile(name: "expected_address.hex", contents: addressText),
                SourceFile(name: "expected_data.hex", contents: dataText),
                SourceFile(name: "expected_tag.hex", contents: tagText)]
    }

    private func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    var verilog: String {
        let d = engine.lineWidth, r = engine.registerAddressWidth
        let depth = max(1, memory.count)
        let queue = 1024
        return """
            // Testbench of \(dut.name), generated by cascadecnn: a memory model, a host
            // that programs \(runs.count) run(s), and a check of \(expected.count) expected lines.
            `timescale 1ns/1ps
            module \(name);
              localparam LINE = \(d);
              localparam DEPTH = \(depth);
              localparam PROGRAM = \(program.count);
              localparam EXPECTED = \(max(1, expected.count));
              localparam CHECKS = \(expected.count);
              localparam LATENCY = \(max(1, timing.latency));
              localparam JITTER = \(max(0, timing.jitter));
              localparam STALL = \(max(0, min(99, timing.stallPercent)));
              localparam TIMEOUT = \(timeoutCycles);
              localparam QUEUE = \(queue);

              reg clk = 1'b0;
              reg rst = 1'b1;
              always #5 clk = ~clk;

            \(portDeclarations)
              reg [LINE-1:0] memory [0:DEPTH-1];
              reg [63:0] commands [0:PROGRAM-1];
              reg [31:0] expected_address [0:EXPECTED-1];
              reg [LINE-1:0] expected_data [0:EXPECTED-1];
              reg [31:0] expected_tag [0:EXPECTED-1];

              reg [63:0] cycle = 64'd0;
              integer out_of_range = 0;
              always @(posedge clk) cycle <= cycle + 64'd1;

            \(port.declarations)

            \(memoryModel)
            \(registerTasks)
              integer pc, run, layer, i, passed, failed, waited;
              reg [31:0] low, high, previous, value;
              reg [63:0] command;

              initial begin
                if ($test$plusargs("vcd")) begin
                  $dumpfile("\(name).vcd");
                  $dumpvars(0, \(name));
                end
                $readmemh("memory.hex", memory);
                $readmemh("program.hex", commands);
                if (CHECKS > 0) begin
                  $readmemh("expected_address.hex", expected_address);
                  $readmemh("expected_data.hex", expected_data);
                  $readmemh("expected_tag.hex", expected_tag);
                end
                passed = 0;
                failed = 0;
                repeat (4) @(posedge clk);
                @(negedge clk) rst = 1'b0;
                pc = 0;
                run = 0;
                command = commands[0];
                while (command[63:60] != 4'd0) begin
                  if (command[63:60] == 4'd1) begin
                    write_register(command[32 + \(r - 1):32], command[31:0]);
                  end else begin
                    write_register(\(EngineRegister.control), 32'd1);
                    waited = 0;
                    while (!engine_done && waited < TIMEOUT) begin
                      @(posedge clk);
                      waited = waited + 1;
                    end
                    if (!engine_done) begin
                      $display("run %0d: no done after %0d cycles", run, TIMEOUT);
                      failed = failed + 1;
                      $display("%0d passed, %0d failed", passed, failed);
                      $finish;
                    end
                    read_register(\(EngineRegister.cyclesLow), low);
                    read_register(\(EngineRegister.cyclesHigh), high);
                    $display("run %0d: %0d cycles", run, {high, low});
                    previous = 32'd0;
                    for (layer = 0; layer < command[31:0]; layer = layer + 1) begin
                      read_register(\(EngineRegister.layerCycles) + layer, value);
                      $display("run %0d layer %0d: %0d cycles", run, layer, value - previous);
                      previous = value;
                    end
                    run = run + 1;
                  end
                  pc = pc + 1;
                  command = commands[pc];
                end
                repeat (2) @(posedge clk);
                for (i = 0; i < CHECKS; i = i + 1) begin
                  if (memory[expected_address[i]] === expected_data[i]) passed = passed + 1;
                  else begin
                    failed = failed + 1;
                    if (failed <= 20)
                      $display("mismatch: run %0d layer %0d line %0d: expected %h, got %h", expected_tag[i][31:16],
                               expected_tag[i][15:0], expected_address[i], expected_data[i], memory[expected_address[i]]);
                  end
                end
                failed = failed + out_of_range;
                $display("%0d passed, %0d failed", passed, failed);
                $finish;
              end
            endmodule

            """
    }

    /// The DUT's ports as testbench signals (inputs driven, outputs read) and the instance.
    private var portDeclarations: String {
        let done = if case .axi = interface { "irq" } else { "done" }
        return SystemTestbench.instance(of: dut, doneSignal: done)
    }

    private var port: MemoryPortModel { MemoryPortModel(prefix: "", seed: timing.seed) }

    /// The memory behind the DUT's memory port: the native request/response port, or an
    /// AXI4 slave (random AR/AW/W readiness, one write buffered per channel).
    private var memoryModel: String {
        switch interface {
        case .native:
            return port.nativeProcess
        case .axi(let base):
            return port.axiProcess(signalPrefix: "m_axi_", baseAddress: base, lineWidth: engine.lineWidth)
        }
    }

    /// `write_register` and `read_register` on the native port, or as an AXI4-Lite master
    /// (valid raised at a falling edge, the handshake at the next rising edge).
    private var registerTasks: String {
        let r = engine.registerAddressWidth
        switch interface {
        case .native:
            return SystemTestbench.registerTasks(addressWidth: r)
        case .axi:
            return SystemTestbench.axiRegisterTasks(addressWidth: r)
        }
    }
}
