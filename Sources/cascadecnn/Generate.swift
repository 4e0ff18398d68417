import ArgumentParser

/// `cascadecnn generate UNIT`: RTL, testbench, data files and a Makefile for one unit.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the RTL of one unit with its self-checking testbench.",
        subcommands: [])
}
