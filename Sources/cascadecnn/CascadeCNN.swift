import ArgumentParser

/// The command-line tool over HDLGen and the toolflow.
@main
struct CascadeCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascadecnn",
        abstract: "Cascaded low-precision CNN accelerators for FPGAs (CascadeCNN).",
        discussion: """
            Generates Verilog for the units of a CascadeCNN accelerator, each with a \
            self-checking testbench whose expected values come from a bit-exact Swift model.
            """,
        subcommands: [Generate.self])
}
