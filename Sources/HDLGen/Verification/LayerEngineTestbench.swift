/// A system testbench for the `LayerEngine`: a memory model preloaded with `$readmemh`
/// (random request stalls, a fixed latency plus random jitter, responses in order), a host
/// that writes the descriptor table once and then makes each run's starts, and a final
/// comparison of every expected line with the memory. It prints each start's and each
/// descriptor's cycles, every mismatching line with its run and layer, and `N passed, N failed`.
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

        /// Cycles from the engine's start to the return of the testbench's start write, which
        /// the testbench's own count from start to done leaves out: none on the native port;
        /// one over AXI4-Lite, whose write returns with its B response.
        public var startWriteLatency: Int {
            switch self {
            case .native: 0
            case .axi: 1
            }
        }
    }

    public let engine: LayerEngine
    public let interface: Interface
    /// The initial memory, one hexadecimal line per address.
    public let memory: [String]
    /// The descriptor table, written once before the first run.
    public let descriptors: [LayerDescriptor]
    /// Per run (an image, or a batch of them), its starts in order.
    public let runs: [[EngineStart]]
    public let expected: [ExpectedLine]
    public let timing: MemoryTiming
    /// Cycles a start may take before the testbench gives up on it.
    public let timeoutCycles: Int

    public init(engine: LayerEngine, interface: Interface = .native, memory: [String], descriptors: [LayerDescriptor],
                runs: [[EngineStart]], expected: [ExpectedLine], timing: MemoryTiming = .init(), timeoutCycles: Int = 10_000_000) {
        self.engine = engine; self.interface = interface; self.memory = memory; self.descriptors = descriptors
        self.runs = runs; self.expected = expected; self.timing = timing; self.timeoutCycles = timeoutCycles
    }

    /// The module under test: the engine, or its AXI wrapper.
    public var dut: any Module {
        if case .axi = interface { return LayerEngineAXI(engine: engine) }
        return engine
    }

    public var name: String { "tb_\(dut.name)" }
    public var summary: String { "\(runs.count) run(s), \(expected.count) output lines checked" }

    /// Host commands, 64 bits each: op (1 write a register, 2 start and wait, 0 end) in bits
    /// 63…60; a write's register address in 59…32 and data in 31…0; a start's first and end
    /// descriptor in 31…16 and 15…0, and in bit 32 whether it is its run's last.
    var program: [UInt64] {
        var commands: [UInt64] = []
        func write(_ address: Int, _ value: Int) {
            commands.append(1 << 60 | UInt64(address) << 32 | UInt64(UInt32(truncatingIfNeeded: value)))
        }
        if case .axi(let base) = interface { write(EngineRegister.baseAddress, base) }
        for (l, descriptor) in descriptors.enumerated() {
            for field in DescriptorField.allCases {
                write(engine.descriptorBase + l * EngineRegister.descriptorStride + field.index, descriptor[field])
            }
        }
        for starts in runs {
            for (s, start) in starts.enumerated() {
                write(EngineRegister.imageOffset, start.imageOffset)
                write(EngineRegister.firstLayer, start.layers.lowerBound)
                write(EngineRegister.layerCount, start.layers.upperBound)
                let last: UInt64 = s == starts.count - 1 ? 1 << 32 : 0
                commands.append(2 << 60 | last | UInt64(start.layers.lowerBound) << 16 | UInt64(start.layers.upperBound))
            }
        }
        commands.append(0)
        return commands
    }

    public func files(for dut: ElaboratedModule) -> [SourceFile] {
        [SourceFile(name: "\(name).v", contents: verilog(dut))]
            + SystemTestbench.dataFiles(memory: memory, commands: program,
                                        expected: expected.map { ($0.address, $0.hex, $0.run << 16 | $0.layer) })
    }

    /// The testbench module around `dut`, the elaborated `self.dut`.
    func verilog(_ dut: ElaboratedModule) -> String {
        let r = engine.registerAddressWidth
        var out = VerilogWriter()
        let parameters = SystemTestbench.Parameters(lineWidth: engine.lineWidth, memoryLines: memory.count, commands: program.count,
                                                    expected: expected.count, timing: timing, timeoutCycles: timeoutCycles)
        let done = if case .axi = interface { "irq" } else { "done" }
        SystemTestbench.open(&out, name: name, dut: dut,
                             comment: ["\(name): checks \(dut.name) against its Swift golden model.",
                                       "A memory model, a host that programs \(runs.count) run(s), and a check of \(expected.count) expected lines.",
                                       "Generated by HDLGen (CascadeCNN-Swift). Ends with the line \"N passed, N failed\"."],
                             parameters: parameters, doneSignal: done)
        out.line()
        out.block(port.declarations, indent: 1)
        out.line()
        out.block(memoryModel, indent: 1)
        out.line()
        out.block(registerTasks, indent: 1)
        out.line()
        out.line("integer pc, run, layer, i, passed, failed, waited;", indent: 1)
        out.line("reg [31:0] low, high, previous, value;", indent: 1)
        out.line("reg [63:0] command;", indent: 1)
        out.line()
        out.line("initial begin", indent: 1)
        out.block(SystemTestbench.start(name: name), indent: 2)
        out.block("""
            pc = 0;
            run = 0;
            command = commands[0];
            while (command[63:60] != 4'd0) begin
                if (command[63:60] == 4'd1) begin
                    write_register(command[32 + \(r - 1):32], command[31:0]);
                end else begin
                    write_register(\(EngineRegister.control), 32'd1);
            """, indent: 2)
        out.block(SystemTestbench.awaitDone, indent: 4)
        out.block("""
                    if (!engine_done) begin
                        $display("run %0d: no done after %0d cycles", run, TIMEOUT);
                        failed = failed + 1;
                        $display("%0d passed, %0d failed", passed, failed);
                        $finish;
                    end
                    $display("run %0d: %0d cycles from start to done, counted by the testbench", run, waited);
                    read_register(\(EngineRegister.cyclesLow), low);
                    read_register(\(EngineRegister.cyclesHigh), high);
                    $display("run %0d: %0d cycles", run, {high, low});
                    previous = 32'd0;
                    for (layer = command[31:16]; layer < command[15:0]; layer = layer + 1) begin
                        read_register(\(EngineRegister.layerCycles) + layer, value);
                        $display("run %0d descriptor %0d: %0d cycles", run, layer, value - previous);
                        previous = value;
                    end
                    if (command[32]) run = run + 1;
                end
                pc = pc + 1;
                command = commands[pc];
            end
            """, indent: 2)
        SystemTestbench.finish(&out, mismatch: """
            $display("mismatch: run %0d layer %0d line %0d: expected %h, got %h", expected_tag[i][31:16],
                     expected_tag[i][15:0], expected_address[i], expected_data[i], memory[expected_address[i]]);
            """)
        return out.text
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
