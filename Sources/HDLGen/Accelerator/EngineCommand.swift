/// A cascade controller's writes to its engine's registers, as its `command_*` outputs: the
/// image offset, then the start. The top passes them to the engine ahead of the host's writes.
enum EngineCommand {
    /// Declares and drives `command_write`, `command_address` and `command_data`: `writesOffset`
    /// writes `offset` to `EngineRegister.imageOffset`, `starts` writes 1 to `EngineRegister.control`.
    static func drive(_ m: ModuleBuilder, registerWidth r: Int, writesOffset: Signal, starts: Signal, offset: Signal) {
        m.output("command_write", writesOffset | starts)
        m.output("command_address", m.mux(writesOffset, .constant(EngineRegister.imageOffset, .uint(r)),
                                          .constant(EngineRegister.control, .uint(r))))
        m.output("command_data", m.mux(writesOffset, offset.resized(to: 32), .constant(1, .uint(32))))
    }

    /// The steps of a controller per image, in `state`: at `offset` the command writes
    /// `imageOffset`, at `start` it starts the engine, `run` waits for the engine's `done`,
    /// then the controller reads the image's `lines` score lines from `scoreAddress` on
    /// (the region's, at `imageOffset`) and enters `readScores`.
    static func runImage<S>(_ m: ModuleBuilder, _ state: StateMachine<S>, steps: (offset: S, start: S, run: S, readScores: S),
                            registerWidth: Int, imageOffset: Signal, engineDone: Signal, port: ControllerPort,
                            scoreAddress: Signal, lines: Int) {
        drive(m, registerWidth: registerWidth, writesOffset: state.is(steps.offset), starts: state.is(steps.start),
              offset: imageOffset)
        state.on(steps.offset) { state.go(to: steps.start) }
        state.on(steps.start) { state.go(to: steps.run) }
        m.when(state.is(steps.run) & engineDone) {
            state.go(to: steps.readScores)
            port.startReading(from: (scoreAddress + imageOffset).truncated(to: scoreAddress.width), lines: lines)
        }
    }

    /// Drives `engine`'s register port from `controller`'s commands, or else from the host's
    /// port where it addresses register block `block` while the cascade is not `busy`.
    /// Returns the engine's read data.
    static func connect(_ m: ModuleBuilder, engine: Instance, controller: Instance, host: PortGroup<RegisterPort>,
                        hostSelects: Signal, local: Signal) -> Signal {
        let write = controller.port("command_write")
        m.connect(engine.port("reg_write"), to: (host.write & hostSelects) | write)
        m.connect(engine.port("reg_address"), to: m.mux(write, controller.port("command_address"), local))
        m.connect(engine.port("reg_write_data"), to: m.mux(write, controller.port("command_data"), host.writeData))
        return engine.port("reg_read_data")
    }
}
